package geodesic.cli;

import geodesic.kernel.DeviceSelection;
import geodesic.kernel.DeviceUnavailableException;
import geodesic.kernel.Devices;
import geodesic.kernel.Parallelism;
import java.util.Set;

/**
 * {@code --device cpu|cuda} and {@code --device-fallback}, shared by {@code train} and {@code bench}. Without the
 * options the system properties {@code geodesic.device} and {@code geodesic.device.fallback} decide (default
 * {@code cpu}). An unavailable device without fallback is a usage error: one line naming what is missing, exit
 * status 2.
 */
final class DeviceOptions {
    static final String DEVICE = "device";
    static final String FALLBACK = "device-fallback";
    static final Set<String> VALUED = Set.of(DEVICE);
    static final Set<String> SWITCHES = Set.of(FALLBACK);

    private DeviceOptions() {
    }

    /** The device name the options (or properties) ask for. */
    static String name(Options o) {
        return o.string(DEVICE, Devices.requested()).trim();
    }

    /**
     * Opens the requested device, or the CPU when it is unavailable and fallback was allowed.
     *
     * @throws UsageException with the device's one-line reason when it is unavailable and fallback was not allowed
     */
    static DeviceSelection open(String command, Options o, Parallelism parallelism) {
        String name = name(o);
        if (!Devices.names().contains(name)) {
            throw new UsageException(command + ": --device must be one of " + String.join(", ", Devices.names())
                    + ", got '" + name + "'");
        }
        try {
            return Devices.open(name, o.flag(FALLBACK) || Devices.fallbackAllowed(), parallelism);
        } catch (DeviceUnavailableException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }
}
