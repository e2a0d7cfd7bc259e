package geodesic.kernel;

/**
 * The register-blocked inner kernel of {@link VectorPackedGemm}: one {@code MR x NR} tile of C, {@code MR} rows by
 * {@code NR} columns ({@code NR} = two vectors), from a packed strip of op(A) and a packed strip of op(B).
 *
 * <p>The B strip holds {@code op(B)(p, column j)} at {@code bp[bIndex + p * NR + j]}, zero-padded to {@code NR}
 * columns; the A strip's layout is one of {@link VectorGemmPacking}'s, fixed per kernel. A whole tile of C is written
 * straight from the registers; a tile cut by the edge of C is computed into a small row-major buffer
 * ({@code MR * NR} floats) whose valid part {@link #storeEdge} then writes. Instances are stateless and
 * thread-safe; {@link VectorGemmKernelFactory} creates them.
 */
interface GemmMicroKernel {
    /** Rows of a tile. */
    int MR = 4;

    /** Tile width in floats. */
    int nr();

    /**
     * {@code out[outIndex + r * ld + j] = alpha * (Astrip * Bstrip)(r, j) + beta * out[...]} for the whole
     * {@code MR x NR} tile, over {@code kc} steps, with the A strip in the layout this kernel was made for
     * ({@link VectorGemmKernelFactory#forLayout}); {@code beta == 0} does not read {@code out}.
     */
    void multiply(int kc, float[] ap, int aIndex, float[] bp, int bIndex,
                  float[] out, int outIndex, int ld, float alpha, float beta);

    /**
     * {@code C[0:rows, 0:cols] = alpha * tile + beta * C} for the tile whose top-left element is {@code c[cIndex]},
     * where {@code tile[r * NR + j]} holds a product computed by {@link #multiply} with {@code alpha = 1},
     * {@code beta = 0}, and {@code rows <= MR}, {@code cols <= NR}; {@code beta == 0} does not read C.
     */
    void storeEdge(float[] tile, float[] c, int cIndex, int ldc, int rows, int cols, float alpha, float beta);
}
