package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.Arrays;

/**
 * The shape of one example, without the batch dimension: {@code [784]} for a flat vector, {@code [C, H, W]} for an
 * NCHW image. A batch of {@code N} examples is a tensor of shape {@code [N, dims...]}.
 *
 * <p>Immutable; equal when the dimensions are equal.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /**
     * The shape with the given dimensions.
     *
     * @throws IllegalArgumentException if there are no dimensions or one is not positive
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("an example shape needs at least one dimension");
        }
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimensions must be positive, got " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    /** Number of dimensions per example (the batch dimension not counted). */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}, counted from 0 (the batch dimension is not part of the shape). */
    public int dim(int axis) {
        return dims[axis];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Elements per example: the product of the dimensions. */
    public int size() {
        long s = 1;
        for (int d : dims) {
            s *= d;
        }
        return Math.toIntExact(s);
    }

    /** The tensor shape {@code [n, dims...]} of a batch of {@code n} examples; a new array. */
    public int[] withBatch(int n) {
        int[] s = new int[dims.length + 1];
        s[0] = n;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    /** Whether {@code t} is a batch of this shape: rank one more than this shape and equal trailing dimensions. */
    boolean matchesBatch(Tensor t) {
        if (t.rank() != dims.length + 1) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (t.dim(i + 1) != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** The batch shape written with a symbolic batch size, e.g. {@code [N, 32, 14, 14]}, for messages and summaries. */
    public String toBatchString() {
        StringBuilder sb = new StringBuilder("[N");
        for (int d : dims) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
