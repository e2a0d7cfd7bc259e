package geodesic.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded strips that {@link GemmMicroKernel} streams
 * through, so that all four transpose cases share one inner loop and the transposes cost only the packing.
 *
 * <p>An A strip holds {@code MR} rows of op(A) by up to {@link VectorPackedGemm#KC} steps in
 * {@code MR * A_DEPTH} floats, in whichever layout its source copies fastest: from a row-major A, {@code MR}
 * whole-row copies give a row-major strip, element {@code (r, p)} at {@code r * A_DEPTH + p}; from a transposed A, whose stored rows each hold {@code MR}
 * consecutive rows of op(A), {@code MR}-float vector copies give a step-major strip, {@code (r, p)} at
 * {@code p * MR + r}. Interleaving a row-major A element by element cost about half the run time of
 * {@code 25088 x 64 x 800}. Both layouts have constant strides ({@link #aRowStride}, {@link #aStepStride}), which
 * the kernel needs to keep its index arithmetic and bounds checks out of the FMA loop. B strips are always
 * step-major: {@code NR} consecutive columns per step, the layout of the kernel's vector loads.
 */
final class VectorGemmPacking {
    /** One step of a step-major A strip, {@code MR} floats; a static final, so C2 sees a constant species. */
    private static final VectorSpecies<Float> STRIP =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Float.SIZE * GemmMicroKernel.MR));
    /** The JVM's one wide float species ({@link VectorFloatSpecies}), for copying rows of B into strips. */
    private static final VectorSpecies<Float> ROW = VectorFloatSpecies.SPECIES;

    private VectorGemmPacking() {
    }

    /**
     * Floats per row of a row-major A strip ({@code MR} of them make a strip): the deepest slice, {@code KC}, plus
     * one cache line. With exactly {@code KC} (1 KiB) every row of a block fell into the same 4 of L1's 64 sets,
     * and a shallow slice (k = 10 or 25) evicted the A block from L1 between the B strips that reuse it.
     */
    static final int A_DEPTH = VectorPackedGemm.KC + 16;

    /** Floats per packed A strip, whatever the slice depth. */
    static int aStripSize() {
        return GemmMicroKernel.MR * A_DEPTH;
    }

    /** Distance in a packed A strip between rows of op(A). */
    static int aRowStride(boolean transA) {
        return transA ? 1 : A_DEPTH;
    }

    /** Distance in a packed A strip between steps (columns of op(A)). */
    static int aStepStride(boolean transA) {
        return transA ? GemmMicroKernel.MR : 1;
    }

    /**
     * Packs {@code op(A)[row0 : row0+rows, p0 : p0+kc]}, {@code kc <= KC}, into strips of {@code MR} rows: the
     * strip of rows {@code row0 + s ..} ({@code s} a multiple of {@code MR}) starts at {@code dst[s * A_DEPTH]} and holds
     * {@code op(A)(row0 + s + r, p0 + p)} at {@code r * aRowStride + p * aStepStride}; rows past the block are zero.
     */
    static void packA(boolean transA, float[] a, int aOffset, int lda, int row0, int rows, int p0, int kc,
                      float[] dst) {
        final int mr = GemmMicroKernel.MR;
        final int depth = A_DEPTH;
        int full = rows - rows % mr;
        if (transA) {
            // Four strips per step consume a whole 64-byte line of A at once; one strip at a time with element
            // copies ran 4-7x slower, worst at power-of-two lda.
            int s = 0;
            for (; s + 4 * mr <= full; s += 4 * mr) {
                for (int p = 0; p < kc; p++) {
                    int src = aOffset + (p0 + p) * lda + row0 + s;
                    int d = s * depth + p * mr;
                    FloatVector.fromArray(STRIP, a, src).intoArray(dst, d);
                    FloatVector.fromArray(STRIP, a, src + mr).intoArray(dst, d + mr * depth);
                    FloatVector.fromArray(STRIP, a, src + 2 * mr).intoArray(dst, d + 2 * mr * depth);
                    FloatVector.fromArray(STRIP, a, src + 3 * mr).intoArray(dst, d + 3 * mr * depth);
                }
            }
            for (; s < full; s += mr) {
                for (int p = 0; p < kc; p++) {
                    int src = aOffset + (p0 + p) * lda + row0 + s;
                    FloatVector.fromArray(STRIP, a, src).intoArray(dst, s * depth + p * mr);
                }
            }
            for (int p = 0; full < rows && p < kc; p++) {
                int src = aOffset + (p0 + p) * lda + row0 + full;
                int d = full * depth + p * mr;
                for (int r = 0; r < mr; r++) {
                    dst[d + r] = full + r < rows ? a[src + r] : 0f;
                }
            }
        } else {
            // Row r of the block lands at r * A_DEPTH: strips of MR rows follow one another. Rows move as vectors, the
            // last one overlapping the one before inside the row: an arraycopy call per row cost about a third of
            // a k = 25 product (conv1 forward).
            // Each loop names its species as a constant: C2 intrinsifies only those.
            int wide = ROW.length(), narrow = STRIP.length();
            for (int r = 0; r < rows; r++) {
                int src = aOffset + (row0 + r) * lda + p0;
                int d = r * depth;
                if (kc >= wide) {
                    for (int p = 0; p < kc - wide; p += wide) {
                        FloatVector.fromArray(ROW, a, src + p).intoArray(dst, d + p);
                    }
                    FloatVector.fromArray(ROW, a, src + kc - wide).intoArray(dst, d + kc - wide);
                } else if (kc >= narrow) {
                    for (int p = 0; p < kc - narrow; p += narrow) {
                        FloatVector.fromArray(STRIP, a, src + p).intoArray(dst, d + p);
                    }
                    FloatVector.fromArray(STRIP, a, src + kc - narrow).intoArray(dst, d + kc - narrow);
                } else {
                    System.arraycopy(a, src, dst, d, kc);
                }
            }
            for (int r = rows; r < full + mr && full < rows; r++) {
                Arrays.fill(dst, r * depth, r * depth + kc, 0f);
            }
        }
    }

    /**
     * Packs {@code op(B)[p0 : p0+kc, col0 : col0+cols]} into strips of {@code nr} columns: the strip of columns
     * {@code col0 + t ..} ({@code t} a multiple of {@code nr}) starts at {@code dst[t * kc]} and holds
     * {@code op(B)(p0 + p, col0 + t + j)} at {@code p * nr + j}; columns past the block are zero.
     */
    static void packB(boolean transB, float[] b, int bOffset, int ldb, int p0, int kc, int col0, int cols,
                      int nr, float[] dst) {
        if (transB) {
            for (int t = 0; t < cols; t += nr) {
                int base = t * kc;
                int width = Math.min(nr, cols - t);
                for (int j = 0; j < width; j++) {
                    int src = bOffset + (col0 + t + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * nr + j] = b[src + p];
                    }
                }
                for (int j = width; j < nr; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * nr + j] = 0f;
                    }
                }
            }
            return;
        }
        // Row by row, so B is read in storage order; whole strips move as vectors. An arraycopy per strip row
        // (32 floats) cost about 0.6 ns a float, 12% of a CNN training step.
        int lanes = ROW.length();
        int vectorCols = nr % lanes == 0 ? cols - cols % nr : 0;
        for (int p = 0; p < kc; p++) {
            int src = bOffset + (p0 + p) * ldb + col0;
            int t = 0;
            for (; t < vectorCols; t += nr) {
                int d = t * kc + p * nr;
                for (int v = 0; v < nr; v += lanes) {
                    FloatVector.fromArray(ROW, b, src + t + v).intoArray(dst, d + v);
                }
            }
            for (; t < cols; t += nr) {
                int d = t * kc + p * nr;
                int width = Math.min(nr, cols - t);
                System.arraycopy(b, src + t, dst, d, width);
                Arrays.fill(dst, d + width, d + nr, 0f);
            }
        }
    }
}
