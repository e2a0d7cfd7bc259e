package geodesic.kernel;

/**
 * Service-provider interface through which a backend that lives above this package (such as
 * {@code geodesic.cuda}) offers a {@link Device} without any layer naming it: implementations are listed in
 * {@code META-INF/services/geodesic.kernel.DeviceProvider} and found by {@link Devices} with
 * {@link java.util.ServiceLoader}.
 *
 * <p>A provider must be cheap to construct and must not touch its native libraries before {@link #status()} or
 * {@link #open()}: a JVM without them still lists it, and {@link #status()} says what is missing. Implementations
 * are thread-safe.
 */
public interface DeviceProvider {

    /** The name users select it by ({@code -Dgeodesic.device=NAME}, {@code --device NAME}), lower case. */
    String name();

    /** Probes the machine (libraries, driver, devices) without opening the device; never throws. */
    DeviceStatus status();

    /**
     * Opens the device: loads its libraries, creates its context and handles.
     *
     * @throws DeviceUnavailableException with the reason, when {@link #status()} is not available or opening fails
     */
    Device open();
}
