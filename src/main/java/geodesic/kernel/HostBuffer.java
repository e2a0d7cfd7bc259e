package geodesic.kernel;

/** A {@link DeviceBuffer} of the CPU device: a Java array, so uploads and downloads are array copies. */
final class HostBuffer implements DeviceBuffer {
    private final Device owner;
    private float[] data;

    HostBuffer(Device owner, int length) {
        this.owner = owner;
        this.data = new float[length];
    }

    @Override
    public int length() {
        return array().length;
    }

    /** The backing array. @throws IllegalStateException once closed */
    float[] array() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("buffer used after close()");
        }
        return d;
    }

    Device owner() {
        return owner;
    }

    @Override
    public void close() {
        data = null;
    }
}
