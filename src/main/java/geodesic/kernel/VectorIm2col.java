package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector pieces of {@link Im2col}'s patch extraction and of its patch-major adjoint: window-row copies and
 * row additions, with the same results bit for bit (copies and single additions round alike). Im2col's loops call
 * them when asked to; this class needs the incubator module loaded.
 *
 * <p>Position-major window rows are runs of {@code kernelW} contiguous pixels, 3 to 11 floats in practice, and
 * element loops that short made im2col and col2im 22% of a CNN training step (JFR profile of {@code bench train}).
 * Patch-major rows are runs of whole output rows. Every copy uses the JVM's species, or the 128-bit one for window
 * rows: a 256-bit copy on a 512-bit machine sometimes stayed in code that boxed every vector.
 */
final class VectorIm2col {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();
    /**
     * Window rows are copied 4 floats at a time, the last 4 overlapping the ones before inside the row, so nothing is
     * written outside it. The JVM's wide species would write past the row: 16 floats for a 5-float row cost more
     * in line-splitting stores than the element loop they replace (bench train: 96.4 against 93.0 ms a step).
     */
    private static final VectorSpecies<Float> RUN = FloatVector.SPECIES_128;
    private static final int RUN_LANES = RUN.length();

    /**
     * Floats past a padded image that {@link #addRow} may add +0 to, or {@link #copyRunSpilling} read, and past a
     * patch block that {@link #copyRunSpilling} may write: one vector of the widest species.
     */
    static final int ROW_SLACK = 16;

    private VectorIm2col() {
    }

    /** Whether {@link #copyRow} handles window rows of {@code kw} floats. */
    static boolean copiesRows(int kw) {
        return kw >= RUN_LANES;
    }

    /** Copies one window row, {@code x[r .. r+kw)} to {@code cols[d ..]}, 4 floats at a time ({@code kw >= 4}). */
    static void copyRow(float[] x, int r, float[] cols, int d, int kw) {
        int tail = kw - RUN_LANES;
        for (int j = 0; j < tail; j += RUN_LANES) {
            FloatVector.fromArray(RUN, x, r + j).intoArray(cols, d + j);
        }
        FloatVector.fromArray(RUN, x, r + tail).intoArray(cols, d + tail);
    }

    /**
     * Copies a run of {@code length >= 1} floats, {@code src[from ..]} to {@code dst[to ..]}, as whole vectors of the
     * JVM's species: up to {@link #ROW_SLACK}{@code - 1} floats past the run are read and written too, so the caller
     * writes runs in increasing order (each spill is rewritten by the next run) and leaves that much slack after
     * the last run and after its source.
     */
    static void copyRunSpilling(float[] src, int from, float[] dst, int to, int length) {
        // One species only: a version that copied 8-15 floats with the 256-bit species on a 512-bit machine sometimes
        // stayed in code that boxed every vector (bench train: 275 MB allocated and 90 ms a step instead of 74).
        for (int j = 0; j < length; j += LANES) {
            FloatVector.fromArray(SPECIES, src, from + j).intoArray(dst, to + j);
        }
    }

    /**
     * {@code padded[to + ow] += colsT[from + ow]} for {@code ow < outW}, as whole vectors; the lanes past the row add
     * +0 (padded starts from +0, and a sum of floats from +0 is never -0, so that changes no value) into the padding,
     * the next row or the {@link #ROW_SLACK}. Returns false, adding nothing, when the vectors would read past
     * {@code colsT}.
     */
    static boolean addRow(float[] colsT, int from, float[] padded, int to, int outW) {
        int last = (Math.ceilDiv(outW, LANES) - 1) * LANES;
        if (from + last + LANES > colsT.length) {
            return false;
        }
        for (int ow = 0; ow < last; ow += LANES) {
            FloatVector.fromArray(SPECIES, padded, to + ow)
                    .add(FloatVector.fromArray(SPECIES, colsT, from + ow))
                    .intoArray(padded, to + ow);
        }
        VectorMask<Float> pastRow = SPECIES.indexInRange(last, outW).not();
        FloatVector.fromArray(SPECIES, padded, to + last)
                .add(FloatVector.fromArray(SPECIES, colsT, from + last).blend(0f, pastRow))
                .intoArray(padded, to + last);
        return true;
    }
}
