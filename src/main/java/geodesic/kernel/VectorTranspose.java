package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix transpose on vectors, for the convolution's weight gradient, which needs each image's output gradient
 * {@code [channels x positions]} position-major: each vector of consecutive rows of one source column is one gather
 * (lanes a source row apart) and one contiguous store. Copies only, so the same results as the element loop.
 */
final class VectorTranspose {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();

    private VectorTranspose() {
    }

    /**
     * Gather offsets for {@link #transpose} of a matrix with {@code cols} columns: {@code j * cols} for each lane
     * {@code j}. Built once per kernel.
     */
    static int[] laneOffsets(int cols) {
        int[] offsets = new int[LANES];
        for (int j = 0; j < LANES; j++) {
            offsets[j] = j * cols;
        }
        return offsets;
    }

    /**
     * {@code dst[j * rows + i] = src[offset + i * cols + j]} for the rows {@code i} below the last multiple of the
     * vector length, one vector of rows at a time, so the rows a block reads stay in L1 while every column is
     * written. {@code offsets} is {@link #laneOffsets}{@code (cols)}.
     *
     * @return the first row not written; the caller writes the rest
     */
    static int transpose(float[] src, int offset, int rows, int cols, float[] dst, int[] offsets) {
        int i0 = 0;
        for (; i0 + LANES <= rows; i0 += LANES) {
            for (int j = 0; j < cols; j++) {
                FloatVector.fromArray(SPECIES, src, offset + i0 * cols + j, offsets, 0).intoArray(dst, j * rows + i0);
            }
        }
        return i0;
    }
}
