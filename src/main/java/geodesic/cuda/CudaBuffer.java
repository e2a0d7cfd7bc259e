package geodesic.cuda;

import static org.bytedeco.cuda.global.cudart.cudaFree;

import geodesic.kernel.DeviceBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** A {@link DeviceBuffer} in GPU memory, allocated with {@code cudaMalloc} by its {@link CudaDevice}. */
final class CudaBuffer implements DeviceBuffer {
    private final CudaDevice owner;
    private final int length;
    private FloatPointer memory;

    CudaBuffer(CudaDevice owner, FloatPointer memory, int length) {
        this.owner = owner;
        this.memory = memory;
        this.length = length;
    }

    @Override
    public int length() {
        return length;
    }

    CudaDevice owner() {
        return owner;
    }

    /** A view of the device memory starting {@code offset} floats in; JavaCPP adds the position when passing it. */
    FloatPointer at(long offset) {
        FloatPointer m = memory;
        if (m == null) {
            throw new IllegalStateException("buffer used after close()");
        }
        return new FloatPointer(m).position(offset);
    }

    @Override
    public void close() {
        FloatPointer m = memory;
        if (m != null) {
            memory = null;
            owner.forget(this);
            cudaFree(m);
        }
    }
}
