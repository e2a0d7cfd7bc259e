package geodesic.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A dense, row-major, contiguous float32 tensor.
 *
 * <p><b>Storage.</b> Elements live in a plain {@code float[]} of exactly {@link #size()} elements, chosen over
 * off-heap {@link MemorySegment}s after measuring ({@code bin/geodesic-jmh TensorStorageBenchmark}: the same
 * Vector API axpy over both). Memory-bound sizes run at the same speed (n = 262144: 18.6 vs 18.1 us); at an
 * L1-resident size the 64-byte-aligned off-heap segment was faster (n = 4096: 86 vs 131 ns, 512-bit vectors;
 * most likely alignment, as heap array data starts 16 bytes into a cache line). The hot kernel, GEMM, packs its
 * operands into its own buffers, so it does not see that difference; small element-wise kernels do, and they are
 * a minor share of a training step. Against that, heap arrays are reclaimed by the GC with no {@code Arena} lifetime for an embedding
 * service to manage, are what plain Java fallbacks index directly, and FFM downcalls marked
 * {@code Linker.Option.critical(true)} (JDK 22+) accept {@link MemorySegment#ofArray(float[])} with no copy, so
 * OpenBLAS reads the same memory. The cost is a 2^31 element limit per tensor, far above any layer here.
 *
 * <p><b>Aliasing.</b> {@link #reshape} returns a view that shares storage; {@link #copy} does not. {@link #data()}
 * exposes the backing array itself, so kernels can work on it in place.
 *
 * <p><b>Failures.</b> Shape mismatches throw {@link IllegalArgumentException} naming both shapes. Tensors are not
 * thread-safe for concurrent mutation.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A new tensor of the given shape filled with zeros; every dimension must be positive. */
    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(s, new float[checkedSize(s)]);
    }

    /**
     * Wraps {@code data} (not copied) as a tensor of the given shape.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of the dimensions
     */
    public static Tensor wrap(float[] data, int... shape) {
        int[] s = shape.clone();
        int size = checkedSize(s);
        if (data.length != size) {
            throw new IllegalArgumentException(
                    "data of length " + data.length + " cannot be viewed as shape " + Arrays.toString(s)
                            + " (needs " + size + " elements)");
        }
        return new Tensor(s, data);
    }

    /** Number of elements of {@code shape}, checking that each dimension is positive and the total fits an int. */
    public static int checkedSize(int... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape must have at least one dimension");
        }
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimensions must be positive, got shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds the 2^31 element limit");
            }
        }
        return (int) size;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        int a = axis < 0 ? shape.length + axis : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Arrays.toString(shape));
        }
        return shape[a];
    }

    public int size() {
        return data.length;
    }

    /** The backing array itself (row-major); writes are visible through this tensor and its views. */
    public float[] data() {
        return data;
    }

    /** A heap memory segment over the backing array, for FFM downcalls; no copy. */
    public MemorySegment segment() {
        return MemorySegment.ofArray(data);
    }

    /** Element at the given multi-index. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Sets the element at the given multi-index. */
    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "index " + Arrays.toString(index) + " has rank " + index.length + ", tensor has shape "
                            + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " out of bounds for shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** A view with a new shape of the same size, sharing storage. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        if (checkedSize(s) != data.length) {
            throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(s));
        }
        return new Tensor(s, data);
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fillInPlace(float value) {
        Arrays.fill(data, value);
        return this;
    }

    /** Whether {@code other} has the same shape. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * Checks that this tensor has exactly {@code expected} shape.
     *
     * @param what names the tensor in the message, e.g. {@code "dense1 input"}
     * @throws IllegalArgumentException naming both shapes when they differ
     */
    public Tensor requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(
                    what + ": expected shape " + Arrays.toString(expected) + " but got " + Arrays.toString(shape));
        }
        return this;
    }

    /**
     * Checks that {@code other} has this tensor's shape.
     *
     * @throws IllegalArgumentException naming both shapes when they differ
     */
    public void requireSameShape(String what, Tensor other) {
        if (!sameShape(other)) {
            throw new IllegalArgumentException(
                    what + ": shapes differ, " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
        }
    }

    /**
     * Throws {@link ArithmeticException} naming {@code what} and the first offending index if any element is NaN
     * or infinite.
     */
    public Tensor requireFinite(String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new ArithmeticException(what + ": non-finite value " + data[i] + " at flat index " + i
                        + " of shape " + Arrays.toString(shape));
            }
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
