package geodesic.kernel;

import java.util.Arrays;

/**
 * The {@link MatMul} contract on top of a {@link GemmRectangle}: handles the degenerate cases (empty C, {@code k == 0},
 * {@code alpha == 0}: C is only scaled by beta, A and B are not read, as in BLAS) and splits C across a
 * {@link Parallelism} team.
 *
 * <p>C is cut along its longer dimension into one slab per thread, aligned to the rectangle's register tiles: the
 * longer dimension leaves each slab's re-packing of the shared operand cheapest, and skinny layer shapes
 * (e.g. {@code 100352 x 32}) still split evenly. Since {@link GemmRectangle} results do not depend on the split,
 * the outcome is bitwise identical for any thread count.
 */
final class GemmDriver {
    /** Multiply-adds below which waking the team costs more than the split gains (a few microseconds of work). */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private final GemmRectangle rectangle;
    private final Parallelism parallelism;

    GemmDriver(GemmRectangle rectangle, Parallelism parallelism) {
        this.rectangle = rectangle;
        this.parallelism = parallelism;
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
              float beta, float[] c, int cOffset, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOffset, ldc);
            return;
        }
        int threads = parallelism.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_WORK) {
            rectangle.multiply(transA, transB, 0, m, 0, n, false, 0, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                    beta, c, cOffset, ldc);
            return;
        }
        boolean splitRows = m >= n;
        int length = splitRows ? m : n;
        int granule = splitRows ? rectangle.rowGranule() : rectangle.colGranule();
        int chunk = roundUp(Math.ceilDiv(length, threads), granule);
        int parts = Math.ceilDiv(length, chunk);
        parallelism.run(parts, part -> {
            int start = part * chunk;
            int end = (int) Math.min(length, (long) start + chunk);
            if (splitRows) {
                rectangle.multiply(transA, transB, start, end, 0, n, false, 0, k, alpha, a, aOffset, lda,
                        b, bOffset, ldb, beta, c, cOffset, ldc);
            } else {
                rectangle.multiply(transA, transB, 0, m, start, end, false, 0, k, alpha, a, aOffset, lda,
                        b, bOffset, ldb, beta, c, cOffset, ldc);
            }
        });
    }

    /** {@code C = beta * C} over {@code m x n}; {@code beta == 0} writes zeros without reading C. */
    static void scale(int m, int n, float beta, float[] c, int cOffset, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = row; j < row + n; j++) {
                    c[j] *= beta;
                }
            }
        }
    }

    static int roundUp(int a, int multiple) {
        return Math.ceilDiv(a, multiple) * multiple;
    }
}
