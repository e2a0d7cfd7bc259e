package geodesic.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Finds and opens {@link Device}s by name: {@code cpu} is built in; any other name is looked up among the
 * {@link DeviceProvider}s on the class path ({@code geodesic.cuda} registers {@code cuda}).
 *
 * <p>Configuration: {@code -Dgeodesic.device=cpu|cuda} names the device ({@link #requested()}, default {@code cpu});
 * {@code -Dgeodesic.device.fallback=true} lets an unavailable device fall back to the CPU
 * ({@link #fallbackAllowed()}). The command line's {@code --device} and {@code --device-fallback} override both.
 *
 * <p>All methods are thread-safe. Opening logs one line when the CPU stands in for the requested device.
 */
public final class Devices {
    /** The built-in CPU device's name. */
    public static final String CPU = "cpu";
    /** System property naming the device. */
    public static final String PROPERTY = "geodesic.device";
    /** System property allowing the CPU to stand in for an unavailable device. */
    public static final String FALLBACK_PROPERTY = "geodesic.device.fallback";
    private static final Logger LOG = Logger.getLogger(Devices.class.getName());

    private Devices() {
    }

    /** The CPU device on this JVM's kernels ({@link KernelProvider#get()}), splitting work over {@code parallelism}. */
    public static Device cpu(Parallelism parallelism) {
        return new CpuDevice(KernelProvider.get(), parallelism);
    }

    /** The CPU device on {@code provider}'s kernels, splitting work over {@code parallelism}. */
    public static Device cpu(KernelProvider provider, Parallelism parallelism) {
        return new CpuDevice(provider, parallelism);
    }

    /** The device named by {@code -Dgeodesic.device}, lower-cased; {@code cpu} when unset. */
    public static String requested() {
        return System.getProperty(PROPERTY, CPU).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code -Dgeodesic.device.fallback=true} is set. */
    public static boolean fallbackAllowed() {
        return Boolean.getBoolean(FALLBACK_PROPERTY);
    }

    /** {@code cpu} followed by the names of the providers on the class path. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(CPU);
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            names.add(p.name());
        }
        return names;
    }

    /** Whether the named device can be opened here, and why or why not; never throws. */
    public static DeviceStatus status(String name) {
        if (CPU.equals(name)) {
            return DeviceStatus.available(KernelProvider.get().description());
        }
        return provider(name).map(DeviceProvider::status).orElseGet(() -> DeviceStatus.unavailable(
                "no device provider named '" + name + "' on the class path (known: " + String.join(", ", names())
                        + ")"));
    }

    /**
     * Opens the named device; when it is unavailable and {@code allowFallback}, opens the CPU device instead.
     *
     * @param name          a device name, e.g. {@code cpu} or {@code cuda}
     * @param allowFallback whether the CPU may stand in for an unavailable device
     * @param parallelism   the thread team the CPU device uses (when it is the one opened)
     * @throws DeviceUnavailableException naming the device, what is missing, and how to allow the fallback, when
     *                                    the device cannot be opened and {@code allowFallback} is false
     */
    public static DeviceSelection open(String name, boolean allowFallback, Parallelism parallelism) {
        if (CPU.equals(name)) {
            return new DeviceSelection(cpu(parallelism), name, Optional.empty());
        }
        String reason;
        try {
            DeviceStatus status = status(name);
            if (status.available()) {
                return new DeviceSelection(provider(name).orElseThrow().open(), name, Optional.empty());
            }
            reason = status.detail();
        } catch (DeviceUnavailableException e) {
            reason = e.getMessage();
        }
        String message = "device '" + name + "' is unavailable: " + reason;
        if (!allowFallback) {
            throw new DeviceUnavailableException(message + "; pass --device-fallback (or -D" + FALLBACK_PROPERTY
                    + "=true) to run on the CPU instead");
        }
        LOG.warning(message + "; running on the CPU");
        return new DeviceSelection(cpu(parallelism), name, Optional.of(message));
    }

    private static Optional<DeviceProvider> provider(String name) {
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
