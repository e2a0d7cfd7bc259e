package geodesic.kernel;

/**
 * Symmetric rank-k update on row-major arrays: {@code C = beta * C + alpha * X^T X}, where {@code X} is
 * {@code rows x n} (row stride {@code ldx >= n}) and {@code C} is {@code n x n} (row stride {@code ldc >= n}).
 *
 * <p>This is the Kronecker factor update {@code C <- (1 - gamma) C + (gamma / N) X^T X} with
 * {@code beta = 1 - gamma}, {@code alpha = gamma / N}. Only the lower triangle ({@code i >= j}) is computed, from
 * the old lower triangle; it is then mirrored over the upper one, whose old contents are ignored, so C is exactly
 * symmetric on return. With {@code beta == 0} the previous contents of C are ignored, NaN included; with
 * {@code alpha == 0} or {@code rows == 0}, X is not read. Elements of the arrays outside X and C are neither read
 * nor written.
 *
 * <p>Implementations are obtained from {@link KernelProvider}; they check nothing beyond what a wrong index would
 * throw, so callers validate shapes. Results are bitwise identical for any thread count.
 */
public interface SymmetricRankUpdate {

    /**
     * Updates C in place; element {@code (r, j)} of X is {@code x[xOffset + r * ldx + j]}, element {@code (i, j)}
     * of C is {@code c[cOffset + i * ldc + j]}. Runs on the implementation's {@link Parallelism} team; concurrent
     * calls must not share C.
     *
     * @throws ArrayIndexOutOfBoundsException if X or C does not fit its array (not always detected)
     */
    void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                float beta, float[] c, int cOffset, int ldc);

    /**
     * As {@link #update}, but without the mirroring: the lower triangle ({@code i >= j}) is the same bit for bit
     * (the upper triangle is never an input to it), while the strict upper triangle is left with contents of no
     * meaning (near the diagonal it may be read and written).
     * For a C that is updated often and read rarely: mirroring writes as many floats again as the update, most of
     * them missing every cache (a {@code 3137 x 3137} factor is 39 MB), so an owner that calls
     * {@link #mirrorLowerTriangle} only before C is read saves that traffic on every other update.
     *
     * @throws ArrayIndexOutOfBoundsException if X or C does not fit its array (not always detected)
     */
    void updateLower(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                     float beta, float[] c, int cOffset, int ldc);

    /**
     * Copies every element below the diagonal of the {@code n x n} matrix C over its mirror image above it, in cache
     * blocks, so C is exactly symmetric.
     *
     * @throws ArrayIndexOutOfBoundsException if C does not fit its array
     */
    static void mirrorLowerTriangle(int n, float[] c, int cOffset, int ldc) {
        GemmLowerTriangle.mirror(0, n, 0, n, c, cOffset, ldc);
    }

    /** Short human-readable name for logs and benchmarks. */
    String name();
}
