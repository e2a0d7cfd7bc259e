package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix transpose on vectors, for the convolution's weight gradient, which needs each image's output gradient
 * {@code [channels x positions]} position-major. Where the JVM's species has 8 or 16 lanes, square blocks of that
 * many rows and columns are transposed in registers: rows loaded whole, then the recursive block transpose, one
 * round per halving of the block size, each round pairing rows {@code s} apart and swapping their off-diagonal
 * {@code s}-wide pieces with two-vector rearranges. Columns past the last whole block, and every
 * column with other lane counts, are gathered (lanes a source row apart). Copies only, so the same results as the
 * element loop.
 *
 * <p>The register blocks read whole source rows where gathers touched every row for each vector: together with
 * single-species patch runs they took {@code bench train} (reference CNN, SGD, one thread) from 71.7-73.5 to
 * 66.7-68.6 ms a step; gathers had been 7.3% of the step in its JFR profile.
 */
final class VectorTranspose {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();
    /** Whether {@link #transpose} uses register blocks: the unrolled blocks exist for 8 and 16 lanes. */
    private static final boolean BLOCKS = LANES == 8 || LANES == 16;
    /*
     * Rearranges of round k (piece width s = LANES >> (k + 1)): lane l of the new row i (LOW) or i + s (HIGH), with
     * b = l / 2s * 2s and w = l % 2s, comes from row i (index >= 0) or from lane index + LANES of row i + s. Separate
     * constants, which C2 needs to see to keep the shuffles in registers; rounds a species does not have are null.
     */
    private static final VectorShuffle<Float> LOW_0 = round(0, true);
    private static final VectorShuffle<Float> HIGH_0 = round(0, false);
    private static final VectorShuffle<Float> LOW_1 = round(1, true);
    private static final VectorShuffle<Float> HIGH_1 = round(1, false);
    private static final VectorShuffle<Float> LOW_2 = round(2, true);
    private static final VectorShuffle<Float> HIGH_2 = round(2, false);
    private static final VectorShuffle<Float> LOW_3 = round(3, true);
    private static final VectorShuffle<Float> HIGH_3 = round(3, false);

    private VectorTranspose() {
    }

    private static VectorShuffle<Float> round(int k, boolean low) {
        int s = LANES >> (k + 1);
        if (!BLOCKS || s < 1) {
            return null;
        }
        int[] picks = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            int b = l / (2 * s) * 2 * s, w = l % (2 * s);
            picks[l] = low ? (w < s ? b + w : b + w - s - LANES) : (w < s ? b + s + w : b + w - LANES);
        }
        return VectorShuffle.fromArray(SPECIES, picks, 0);
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
     * vector length, one vector of rows at a time. {@code offsets} is {@link #laneOffsets}{@code (cols)}.
     *
     * @return the first row not written; the caller writes the rest
     */
    static int transpose(float[] src, int offset, int rows, int cols, float[] dst, int[] offsets) {
        int i0 = 0;
        int blockCols = BLOCKS ? cols - cols % LANES : 0;
        for (; i0 + LANES <= rows; i0 += LANES) {
            int j = 0;
            for (; j < blockCols; j += LANES) {
                int from = offset + i0 * cols + j, to = j * rows + i0;
                if (LANES == 16) {
                    block16(src, from, cols, dst, to, rows);
                } else {
                    block8(src, from, cols, dst, to, rows);
                }
            }
            for (; j < cols; j++) {
                FloatVector.fromArray(SPECIES, src, offset + i0 * cols + j, offsets, 0).intoArray(dst, j * rows + i0);
            }
        }
        return i0;
    }

    /** 16 x 16 block: 16 row loads, 4 rounds of paired two-vector rearranges, 16 stores. */
    private static void block16(float[] src, int from, int ld, float[] dst, int to, int dld) {
        FloatVector t;
        FloatVector r0 = FloatVector.fromArray(SPECIES, src, from);
        FloatVector r1 = FloatVector.fromArray(SPECIES, src, from + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(SPECIES, src, from + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(SPECIES, src, from + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(SPECIES, src, from + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(SPECIES, src, from + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(SPECIES, src, from + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(SPECIES, src, from + 7 * ld);
        FloatVector r8 = FloatVector.fromArray(SPECIES, src, from + 8 * ld);
        FloatVector r9 = FloatVector.fromArray(SPECIES, src, from + 9 * ld);
        FloatVector r10 = FloatVector.fromArray(SPECIES, src, from + 10 * ld);
        FloatVector r11 = FloatVector.fromArray(SPECIES, src, from + 11 * ld);
        FloatVector r12 = FloatVector.fromArray(SPECIES, src, from + 12 * ld);
        FloatVector r13 = FloatVector.fromArray(SPECIES, src, from + 13 * ld);
        FloatVector r14 = FloatVector.fromArray(SPECIES, src, from + 14 * ld);
        FloatVector r15 = FloatVector.fromArray(SPECIES, src, from + 15 * ld);
        t = r0.rearrange(LOW_0, r8); r8 = r0.rearrange(HIGH_0, r8); r0 = t;
        t = r1.rearrange(LOW_0, r9); r9 = r1.rearrange(HIGH_0, r9); r1 = t;
        t = r2.rearrange(LOW_0, r10); r10 = r2.rearrange(HIGH_0, r10); r2 = t;
        t = r3.rearrange(LOW_0, r11); r11 = r3.rearrange(HIGH_0, r11); r3 = t;
        t = r4.rearrange(LOW_0, r12); r12 = r4.rearrange(HIGH_0, r12); r4 = t;
        t = r5.rearrange(LOW_0, r13); r13 = r5.rearrange(HIGH_0, r13); r5 = t;
        t = r6.rearrange(LOW_0, r14); r14 = r6.rearrange(HIGH_0, r14); r6 = t;
        t = r7.rearrange(LOW_0, r15); r15 = r7.rearrange(HIGH_0, r15); r7 = t;
        t = r0.rearrange(LOW_1, r4); r4 = r0.rearrange(HIGH_1, r4); r0 = t;
        t = r1.rearrange(LOW_1, r5); r5 = r1.rearrange(HIGH_1, r5); r1 = t;
        t = r2.rearrange(LOW_1, r6); r6 = r2.rearrange(HIGH_1, r6); r2 = t;
        t = r3.rearrange(LOW_1, r7); r7 = r3.rearrange(HIGH_1, r7); r3 = t;
        t = r8.rearrange(LOW_1, r12); r12 = r8.rearrange(HIGH_1, r12); r8 = t;
        t = r9.rearrange(LOW_1, r13); r13 = r9.rearrange(HIGH_1, r13); r9 = t;
        t = r10.rearrange(LOW_1, r14); r14 = r10.rearrange(HIGH_1, r14); r10 = t;
        t = r11.rearrange(LOW_1, r15); r15 = r11.rearrange(HIGH_1, r15); r11 = t;
        t = r0.rearrange(LOW_2, r2); r2 = r0.rearrange(HIGH_2, r2); r0 = t;
        t = r1.rearrange(LOW_2, r3); r3 = r1.rearrange(HIGH_2, r3); r1 = t;
        t = r4.rearrange(LOW_2, r6); r6 = r4.rearrange(HIGH_2, r6); r4 = t;
        t = r5.rearrange(LOW_2, r7); r7 = r5.rearrange(HIGH_2, r7); r5 = t;
        t = r8.rearrange(LOW_2, r10); r10 = r8.rearrange(HIGH_2, r10); r8 = t;
        t = r9.rearrange(LOW_2, r11); r11 = r9.rearrange(HIGH_2, r11); r9 = t;
        t = r12.rearrange(LOW_2, r14); r14 = r12.rearrange(HIGH_2, r14); r12 = t;
        t = r13.rearrange(LOW_2, r15); r15 = r13.rearrange(HIGH_2, r15); r13 = t;
        t = r0.rearrange(LOW_3, r1); r1 = r0.rearrange(HIGH_3, r1); r0 = t;
        t = r2.rearrange(LOW_3, r3); r3 = r2.rearrange(HIGH_3, r3); r2 = t;
        t = r4.rearrange(LOW_3, r5); r5 = r4.rearrange(HIGH_3, r5); r4 = t;
        t = r6.rearrange(LOW_3, r7); r7 = r6.rearrange(HIGH_3, r7); r6 = t;
        t = r8.rearrange(LOW_3, r9); r9 = r8.rearrange(HIGH_3, r9); r8 = t;
        t = r10.rearrange(LOW_3, r11); r11 = r10.rearrange(HIGH_3, r11); r10 = t;
        t = r12.rearrange(LOW_3, r13); r13 = r12.rearrange(HIGH_3, r13); r12 = t;
        t = r14.rearrange(LOW_3, r15); r15 = r14.rearrange(HIGH_3, r15); r14 = t;
        r0.intoArray(dst, to);
        r1.intoArray(dst, to + 1 * dld);
        r2.intoArray(dst, to + 2 * dld);
        r3.intoArray(dst, to + 3 * dld);
        r4.intoArray(dst, to + 4 * dld);
        r5.intoArray(dst, to + 5 * dld);
        r6.intoArray(dst, to + 6 * dld);
        r7.intoArray(dst, to + 7 * dld);
        r8.intoArray(dst, to + 8 * dld);
        r9.intoArray(dst, to + 9 * dld);
        r10.intoArray(dst, to + 10 * dld);
        r11.intoArray(dst, to + 11 * dld);
        r12.intoArray(dst, to + 12 * dld);
        r13.intoArray(dst, to + 13 * dld);
        r14.intoArray(dst, to + 14 * dld);
        r15.intoArray(dst, to + 15 * dld);
    }

    /** 8 x 8 block: 8 row loads, 3 rounds of paired two-vector rearranges, 8 stores. */
    private static void block8(float[] src, int from, int ld, float[] dst, int to, int dld) {
        FloatVector t;
        FloatVector r0 = FloatVector.fromArray(SPECIES, src, from);
        FloatVector r1 = FloatVector.fromArray(SPECIES, src, from + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(SPECIES, src, from + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(SPECIES, src, from + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(SPECIES, src, from + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(SPECIES, src, from + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(SPECIES, src, from + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(SPECIES, src, from + 7 * ld);
        t = r0.rearrange(LOW_0, r4); r4 = r0.rearrange(HIGH_0, r4); r0 = t;
        t = r1.rearrange(LOW_0, r5); r5 = r1.rearrange(HIGH_0, r5); r1 = t;
        t = r2.rearrange(LOW_0, r6); r6 = r2.rearrange(HIGH_0, r6); r2 = t;
        t = r3.rearrange(LOW_0, r7); r7 = r3.rearrange(HIGH_0, r7); r3 = t;
        t = r0.rearrange(LOW_1, r2); r2 = r0.rearrange(HIGH_1, r2); r0 = t;
        t = r1.rearrange(LOW_1, r3); r3 = r1.rearrange(HIGH_1, r3); r1 = t;
        t = r4.rearrange(LOW_1, r6); r6 = r4.rearrange(HIGH_1, r6); r4 = t;
        t = r5.rearrange(LOW_1, r7); r7 = r5.rearrange(HIGH_1, r7); r5 = t;
        t = r0.rearrange(LOW_2, r1); r1 = r0.rearrange(HIGH_2, r1); r0 = t;
        t = r2.rearrange(LOW_2, r3); r3 = r2.rearrange(HIGH_2, r3); r2 = t;
        t = r4.rearrange(LOW_2, r5); r5 = r4.rearrange(HIGH_2, r5); r4 = t;
        t = r6.rearrange(LOW_2, r7); r7 = r6.rearrange(HIGH_2, r7); r6 = t;
        r0.intoArray(dst, to);
        r1.intoArray(dst, to + 1 * dld);
        r2.intoArray(dst, to + 2 * dld);
        r3.intoArray(dst, to + 3 * dld);
        r4.intoArray(dst, to + 4 * dld);
        r5.intoArray(dst, to + 5 * dld);
        r6.intoArray(dst, to + 6 * dld);
        r7.intoArray(dst, to + 7 * dld);
    }
}
