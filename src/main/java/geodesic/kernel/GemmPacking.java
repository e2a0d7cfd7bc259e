package geodesic.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded strips that {@link GemmMicroKernel} streams
 * through, so that all four transpose cases share one inner loop and the transposes cost only the packing.
 *
 * <p>An A strip ({@code MR} rows by {@code kc} steps) takes whichever layout its source copies fastest, and the
 * kernel reads it through {@link #aRowStride}/{@link #aStepStride}: from a row-major A, {@code MR} whole-row copies
 * give a row-major strip (strides {@code (kc, 1)}); from a transposed A, where each stored row holds {@code MR}
 * consecutive rows of op(A), step-major copies of {@code MR} floats (strides {@code (1, MR)}). Interleaving a
 * row-major A element by element cost about half the run time of {@code 25088 x 64 x 800}. B strips are always
 * step-major: {@code NR} consecutive columns per step, the layout the kernel's vector loads need.
 */
final class GemmPacking {
    /** One step of an A strip, {@code MR} floats, as a vector; a static final, so C2 sees a constant species. */
    private static final VectorSpecies<Float> STRIP =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Float.SIZE * GemmMicroKernel.MR));

    private GemmPacking() {
    }

    /** Distance in the packed A strip between rows of op(A). */
    static int aRowStride(boolean transA, int kc) {
        return transA ? 1 : kc;
    }

    /** Distance in the packed A strip between steps (columns of op(A)). */
    static int aStepStride(boolean transA) {
        return transA ? GemmMicroKernel.MR : 1;
    }

    /**
     * Packs {@code op(A)[row0 : row0+rows, p0 : p0+kc]} into strips of {@code MR} rows: strip {@code s} starts at
     * {@code dst[s * MR * kc]} and holds {@code op(A)(row0 + s*MR + r, p0 + p)} at
     * {@code r * aRowStride + p * aStepStride}; rows past the block are zero.
     */
    static void packA(boolean transA, float[] a, int aOffset, int lda, int row0, int rows, int p0, int kc,
                      float[] dst) {
        final int mr = GemmMicroKernel.MR;
        int full = rows - rows % mr;
        if (transA) {
            // Stored row p of A holds MR consecutive rows of op(A) per strip: one MR-float vector copy each. Four
            // strips per step consume a whole 64-byte line of A at once; one strip at a time (element copies,
            // strip outer) ran 4-7x slower, worst at power-of-two lda.
            int s = 0;
            for (; s + 4 * mr <= full; s += 4 * mr) {
                for (int p = 0; p < kc; p++) {
                    int src = aOffset + (p0 + p) * lda + row0 + s;
                    int d = s * kc + p * mr;
                    FloatVector.fromArray(STRIP, a, src).intoArray(dst, d);
                    FloatVector.fromArray(STRIP, a, src + mr).intoArray(dst, d + mr * kc);
                    FloatVector.fromArray(STRIP, a, src + 2 * mr).intoArray(dst, d + 2 * mr * kc);
                    FloatVector.fromArray(STRIP, a, src + 3 * mr).intoArray(dst, d + 3 * mr * kc);
                }
            }
            for (; s < full; s += mr) {
                for (int p = 0; p < kc; p++) {
                    int src = aOffset + (p0 + p) * lda + row0 + s;
                    FloatVector.fromArray(STRIP, a, src).intoArray(dst, s * kc + p * mr);
                }
            }
            for (int p = 0; full < rows && p < kc; p++) {
                int src = aOffset + (p0 + p) * lda + row0 + full;
                int d = full * kc + p * mr;
                for (int r = 0; r < mr; r++) {
                    dst[d + r] = full + r < rows ? a[src + r] : 0f;
                }
            }
        } else {
            // Strip s row r sits at (s + r) * kc: the block is simply row-major with row stride kc.
            for (int r = 0; r < rows; r++) {
                System.arraycopy(a, aOffset + (row0 + r) * lda + p0, dst, r * kc, kc);
            }
            if (full < rows) {
                Arrays.fill(dst, rows * kc, (full + mr) * kc, 0f);
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
        for (int t = 0; t < cols; t += nr) {
            int base = t * kc;
            int width = Math.min(nr, cols - t);
            if (transB) {
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
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOffset + (p0 + p) * ldb + col0 + t;
                    int d = base + p * nr;
                    System.arraycopy(b, src, dst, d, width);
                    for (int j = width; j < nr; j++) {
                        dst[d + j] = 0f;
                    }
                }
            }
        }
    }
}
