package geodesic.kernel;

/**
 * A requested {@link Device} cannot be used here. The message is one line naming the device and what is missing
 * (classes, native library, driver, device) and, when fallback was not allowed, how to allow it.
 */
public final class DeviceUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public DeviceUnavailableException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
