package geodesic.kernel;

/**
 * The {@link SymmetricRankUpdate} contract on top of a {@link GemmRectangle}: {@code C = beta * C + alpha * X^T X}
 * computed as the GEMM {@code op(A) = X^T}, {@code op(B) = X} over the square tiles on and below the diagonal only,
 * each tile then mirrored into its upper counterpart, so C is exactly symmetric.
 *
 * <p>Tiles are {@code TILE x TILE} (a multiple of every register tile, so tiles never cut one) and are the parts
 * run on the {@link Parallelism} team; the tiling depends on {@code n} alone and {@link GemmRectangle} results do
 * not depend on it anyway, so results are bitwise identical for any thread count. A tile mirrors itself right
 * after it is computed, while it is still in cache; no other part writes its upper counterpart.
 */
final class GemmLowerTriangle {
    /** Side of a tile: 192 x 192 keeps re-packing of X at 2/192 per multiply-add, and wastes little on the diagonal. */
    static final int TILE = 192;
    /** Side of the blocks a tile is transposed in, so both the rows read and the rows written stay in L1. */
    private static final int MIRROR_BLOCK = 16;
    /** Multiply-adds below which waking the team costs more than the split gains. */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private final GemmRectangle rectangle;
    private final Parallelism parallelism;

    GemmLowerTriangle(GemmRectangle rectangle, Parallelism parallelism) {
        this.rectangle = rectangle;
        this.parallelism = parallelism;
    }

    void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                float beta, float[] c, int cOffset, int ldc) {
        if (n <= 0) {
            return;
        }
        int blocks = GemmDriver.ceilDiv(n, TILE);
        int tiles = blocks * (blocks + 1) / 2;
        boolean scaleOnly = rows <= 0 || alpha == 0f;
        if (scaleOnly || parallelism.threads() == 1 || (long) n * n * rows / 2 < PARALLEL_MIN_WORK) {
            for (int t = 0; t < tiles; t++) {
                tile(t, scaleOnly, n, rows, alpha, x, xOffset, ldx, beta, c, cOffset, ldc);
            }
        } else {
            parallelism.run(tiles, t -> tile(t, false, n, rows, alpha, x, xOffset, ldx, beta, c, cOffset, ldc));
        }
    }

    private void tile(int t, boolean scaleOnly, int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                      float beta, float[] c, int cOffset, int ldc) {
        // Tiles are numbered row by row through the lower triangle: (0,0), (1,0), (1,1), (2,0), ...
        int bi = (int) ((Math.sqrt(8.0 * t + 1) - 1) / 2);
        while (bi * (bi + 1) / 2 > t) {
            bi--;
        }
        while ((bi + 1) * (bi + 2) / 2 <= t) {
            bi++;
        }
        int bj = t - bi * (bi + 1) / 2;
        int i0 = bi * TILE;
        int i1 = Math.min(n, i0 + TILE);
        int j0 = bj * TILE;
        int j1 = Math.min(n, j0 + TILE);
        if (scaleOnly) {
            GemmDriver.scale(i1 - i0, j1 - j0, beta, c, cOffset + i0 * ldc + j0, ldc);
        } else {
            rectangle.multiply(true, false, i0, i1, j0, j1, rows, alpha, x, xOffset, ldx, x, xOffset, ldx,
                    beta, c, cOffset, ldc);
        }
        mirror(i0, i1, j0, j1, c, cOffset, ldc);
    }

    /** Copies every {@code C(i, j)} with {@code i > j} of the tile to {@code C(j, i)}. */
    private static void mirror(int i0, int i1, int j0, int j1, float[] c, int cOffset, int ldc) {
        for (int ib = i0; ib < i1; ib += MIRROR_BLOCK) {
            int ie = Math.min(i1, ib + MIRROR_BLOCK);
            for (int jb = j0; jb < Math.min(j1, ie); jb += MIRROR_BLOCK) {
                int je = Math.min(j1, jb + MIRROR_BLOCK);
                for (int i = ib; i < ie; i++) {
                    int from = cOffset + i * ldc;
                    for (int j = jb; j < Math.min(je, i); j++) {
                        c[cOffset + j * ldc + i] = c[from + j];
                    }
                }
            }
        }
    }
}
