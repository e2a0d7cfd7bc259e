package geodesic.kernel;

import java.util.Objects;

/**
 * Whether a {@link DeviceProvider} can open its device on this machine, and a one-line reason either way: what
 * was found ({@code "NVIDIA H200, driver 13.0"}) or the first thing missing ({@code "no libcuda.so.1"}).
 *
 * @param available whether {@link DeviceProvider#open()} is expected to succeed
 * @param detail one line, never blank
 */
public record DeviceStatus(boolean available, String detail) {

    /** @throws IllegalArgumentException if {@code detail} is blank */
    public DeviceStatus {
        Objects.requireNonNull(detail, "detail");
        if (detail.isBlank()) {
            throw new IllegalArgumentException("a device status needs a detail line");
        }
    }

    /** An available device described by {@code detail}. */
    public static DeviceStatus available(String detail) {
        return new DeviceStatus(true, detail);
    }

    /** An unavailable device, with the first thing missing. */
    public static DeviceStatus unavailable(String reason) {
        return new DeviceStatus(false, reason);
    }

    /** {@code available (detail)} or {@code unavailable (reason)}, the form {@code geodesic info} prints. */
    @Override
    public String toString() {
        return (available ? "available (" : "unavailable (") + detail + ")";
    }
}
