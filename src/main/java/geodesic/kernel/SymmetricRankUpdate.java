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

    /** Short human-readable name for logs and benchmarks. */
    String name();
}
