package geodesic.kernel;

/**
 * A float32 array owned by a {@link Device}: host memory for the CPU device, device memory for an accelerator.
 * Its contents are reached only through the owning device's operations, {@link Device#upload} and
 * {@link Device#download}; a buffer from one device must not be passed to another.
 *
 * <p>New buffers are zeroed. {@link #close()} frees the memory and is idempotent; using a closed buffer is an
 * {@link IllegalStateException}. Not thread-safe: a buffer belongs to one training loop at a time.
 */
public interface DeviceBuffer extends AutoCloseable {

    /** Number of floats. */
    int length();

    /** Frees the memory; later calls do nothing. */
    @Override
    void close();
}
