package geodesic.kernel;

/**
 * The {@link SymmetricRankUpdate} contract on top of a {@link GemmRectangle}: {@code C = beta * C + alpha * X^T X}
 * computed as the GEMM {@code op(A) = X^T}, {@code op(B) = X} over the square tiles on and below the diagonal only
 * (inside diagonal tiles, only register tiles that reach the diagonal), each tile then mirrored into its upper
 * counterpart, so C is exactly symmetric.
 *
 * <p>The rows of X are consumed in passes of {@code PASS} rows, each pass running every lower tile: a pass of X
 * ({@code PASS x n} floats, 800 KiB for n = 801) stays in L2/L3 while all tiles read it, whereas tile after tile
 * over all rows streamed a tall X (25088 x 801, 80 MB) from memory once per tile. Tiles are {@code TILE x TILE} (a
 * multiple of every register tile) and are the parts run on the {@link Parallelism} team within a pass. Passes and
 * tiles depend on {@code n} and {@code rows} alone, and {@link GemmRectangle} results do not depend on the tiling
 * anyway, so results are bitwise identical for any thread count. A tile mirrors itself in the last pass, while it
 * is in cache; no other part writes its upper counterpart.
 */
final class GemmLowerTriangle {
    /**
     * Side of a tile, a multiple of every register tile. Re-packing X per tile costs about 2/TILE of the
     * multiply-adds; diagonal tiles skip their register tiles above the diagonal. 192, 288 and 384 measured within
     * 5% of each other on n = 257, 801 and 3137.
     */
    static final int TILE = 288;
    /** Rows of X per pass; a multiple of the packed GEMM's slice depth, so passes add no extra slicing. */
    static final int PASS = 2 * VectorPackedGemm.KC;
    /** Side of the blocks a tile is transposed in, so both the rows read and the rows written stay in L1. */
    private static final int MIRROR_BLOCK = 16;
    /** Multiply-adds below which waking the team costs more than the split gains (a few microseconds of work). */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private final GemmRectangle rectangle;
    private final Parallelism parallelism;

    GemmLowerTriangle(GemmRectangle rectangle, Parallelism parallelism) {
        this.rectangle = rectangle;
        this.parallelism = parallelism;
    }

    /** The update; {@code symmetric} mirrors each tile over the upper triangle, else that is left alone. */
    void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                float beta, float[] c, int cOffset, int ldc, boolean symmetric) {
        if (n <= 0) {
            return;
        }
        int blocks = Math.ceilDiv(n, TILE);
        int tiles = blocks * (blocks + 1) / 2;
        if (rows <= 0 || alpha == 0f) {
            for (int t = 0; t < tiles; t++) {
                Tile tile = Tile.of(t, n);
                scaleLower(tile, beta, c, cOffset, ldc);
                if (symmetric) {
                    tile.mirror(c, cOffset, ldc);
                }
            }
            return;
        }
        boolean parallel = parallelism.threads() > 1 && (long) n * n * rows / 2 >= PARALLEL_MIN_WORK;
        int passes = Math.ceilDiv(rows, PASS);
        for (int pass = 0; pass < passes; pass++) {
            int kStart = pass * PASS;
            int kEnd = Math.min(rows, kStart + PASS);
            float passBeta = pass == 0 ? beta : 1f;
            boolean mirror = symmetric && pass == passes - 1;
            if (parallel) {
                parallelism.run(tiles, t -> tile(t, n, kStart, kEnd, mirror, alpha, x, xOffset, ldx, passBeta, c,
                        cOffset, ldc));
            } else {
                for (int t = 0; t < tiles; t++) {
                    tile(t, n, kStart, kEnd, mirror, alpha, x, xOffset, ldx, passBeta, c, cOffset, ldc);
                }
            }
        }
    }

    private void tile(int t, int n, int kStart, int kEnd, boolean mirror, float alpha, float[] x, int xOffset,
                      int ldx, float beta, float[] c, int cOffset, int ldc) {
        Tile tile = Tile.of(t, n);
        rectangle.multiply(true, false, tile.i0, tile.i1, tile.j0, tile.j1, true, kStart, kEnd, alpha,
                x, xOffset, ldx, x, xOffset, ldx, beta, c, cOffset, ldc);
        if (mirror) {
            tile.mirror(c, cOffset, ldc);
        }
    }

    /** Tile {@code t} of the lower triangle, numbered row by row: (0,0), (1,0), (1,1), (2,0), ... */
    private record Tile(int i0, int i1, int j0, int j1) {
        static Tile of(int t, int n) {
            int bi = (int) ((Math.sqrt(8.0 * t + 1) - 1) / 2);
            while (bi * (bi + 1) / 2 > t) {
                bi--;
            }
            while ((bi + 1) * (bi + 2) / 2 <= t) {
                bi++;
            }
            int bj = t - bi * (bi + 1) / 2;
            return new Tile(bi * TILE, Math.min(n, (bi + 1) * TILE), bj * TILE, Math.min(n, (bj + 1) * TILE));
        }

        /** Copies every {@code C(i, j)} of the tile with {@code i > j} to {@code C(j, i)}. */
        void mirror(float[] c, int cOffset, int ldc) {
            GemmLowerTriangle.mirror(i0, i1, j0, j1, c, cOffset, ldc);
        }
    }

    /**
     * {@code C = beta * C} over the elements with {@code i >= j} of a tile; {@code beta == 0} writes zeros. Only
     * diagonal tiles hold elements above the diagonal, which stay as they are.
     */
    private static void scaleLower(Tile tile, float beta, float[] c, int cOffset, int ldc) {
        if (tile.i0 != tile.j0) {
            GemmDriver.scale(tile.i1 - tile.i0, tile.j1 - tile.j0, beta, c, cOffset + tile.i0 * ldc + tile.j0, ldc);
            return;
        }
        for (int i = tile.i0; i < tile.i1; i++) {
            GemmDriver.scale(1, i - tile.j0 + 1, beta, c, cOffset + i * ldc + tile.j0, ldc);
        }
    }

    /** Copies every {@code C(i, j)} with {@code i0 <= i < i1}, {@code j0 <= j < j1}, {@code i > j} to {@code C(j, i)}. */
    static void mirror(int i0, int i1, int j0, int j1, float[] c, int cOffset, int ldc) {
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
