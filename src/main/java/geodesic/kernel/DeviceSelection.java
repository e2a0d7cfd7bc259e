package geodesic.kernel;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Devices#open}: the device to run on, the name that was asked for, and, when the CPU
 * stands in for an unavailable device, why.
 *
 * @param device         the opened device; the caller closes it
 * @param requested      the name asked for
 * @param fallbackReason present when {@code device} is the CPU standing in for {@code requested}
 */
public record DeviceSelection(Device device, String requested, Optional<String> fallbackReason) {

    /** @throws NullPointerException if an argument is null */
    public DeviceSelection {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(fallbackReason, "fallbackReason");
    }

    /** Whether the CPU runs in place of the requested device. */
    public boolean fellBack() {
        return fallbackReason.isPresent();
    }
}
