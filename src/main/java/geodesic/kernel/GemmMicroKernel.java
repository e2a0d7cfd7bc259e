package geodesic.kernel;

/**
 * The register-blocked inner kernel of {@link PackedGemm}: one {@code MR x NR} tile of C, {@code MR} rows by
 * {@code NR} columns ({@code NR} = two vectors), from a packed strip of op(A) and a packed strip of op(B).
 *
 * <p>The B strip holds {@code op(B)(p, column j)} at {@code bp[bIndex + p * NR + j]}, zero-padded to {@code NR}
 * columns; the A strip's layout is one of {@link GemmPacking}'s, fixed per kernel. The accumulated tile goes through
 * a small row-major buffer ({@code tile[r * NR + j]}, {@code MR * NR} floats) rather than straight to C: handing
 * vectors to a helper method that C2 declines to inline boxes them, and the buffer costs {@code 2 MR NR / lanes}
 * L1 accesses per tile against {@code MR NR kc / lanes} FMAs. Instances are stateless and thread-safe;
 * {@link GemmKernelFactory} creates them.
 */
interface GemmMicroKernel {
    /** Rows of a tile. */
    int MR = 4;

    /** Tile width in floats. */
    int nr();

    /**
     * {@code tile = Astrip * Bstrip} over {@code kc} steps, with the A strip in the layout this kernel was made for
     * ({@link GemmKernelFactory#forLayout}).
     */
    void accumulate(int kc, float[] ap, int aIndex, float[] bp, int bIndex, float[] tile);

    /**
     * {@code C[0:rows, 0:cols] = alpha * tile + beta * C} for the tile whose top-left element is {@code c[cIndex]},
     * with {@code 1 <= rows <= MR}, {@code 1 <= cols <= NR}; {@code beta == 0} does not read C.
     */
    void store(float[] tile, float[] c, int cIndex, int ldc, int rows, int cols, float alpha, float beta);
}
