package geodesic.kernel;

/**
 * Symmetric rank-k update on row-major arrays: {@code C = beta * C + alpha * X^T X}, where {@code X} is
 * {@code rows x n} (row stride {@code ldx >= n}) and {@code C} is {@code n x n} (row stride {@code ldc >= n}).
 *
 * <p>This is the Kronecker factor update {@code C <- (1 - gamma) C + (gamma / N) X^T X} with
 * {@code beta = 1 - gamma}, {@code alpha = gamma / N}. Only one triangle is computed; the other is mirrored, so C
 * is exactly symmetric on return. With {@code beta == 0} the previous contents of C are ignored.
 *
 * <p>Results are bitwise identical for any thread count.
 */
public interface SymmetricRankUpdate {

    void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                float beta, float[] c, int cOffset, int ldc);

    /** Short human-readable name for logs and benchmarks. */
    String name();
}
