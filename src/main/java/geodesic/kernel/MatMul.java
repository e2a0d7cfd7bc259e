package geodesic.kernel;

/**
 * Single-precision general matrix multiply on row-major arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(A)} is {@code m x k}, {@code op(B)} is
 * {@code k x n} and {@code C} is {@code m x n}.
 *
 * <p>{@code op(A) = A} when {@code transA} is false (A stored {@code m x k}, row stride {@code lda >= k}), and
 * {@code op(A) = A^T} when true (A stored {@code k x m}, {@code lda >= m}); likewise for B. Element {@code (i, j)}
 * of C is {@code c[cOffset + i * ldc + j]}. With {@code beta == 0} the previous contents of C are ignored, NaN
 * included, and with {@code alpha == 0} or {@code k == 0} A and B are not read, as in BLAS. Elements of the arrays
 * outside the three matrices are neither read nor written.
 *
 * <p>Implementations are obtained from {@link KernelProvider}; they check nothing beyond what a wrong index would
 * throw, so callers validate shapes. Results are bitwise identical for any thread count.
 */
public interface MatMul {

    /**
     * Computes C in place. Runs on the implementation's {@link Parallelism} team; concurrent calls must not share
     * C.
     *
     * @throws ArrayIndexOutOfBoundsException if a matrix does not fit its array (not always detected)
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb,
              float beta, float[] c, int cOffset, int ldc);

    /** Short human-readable name, e.g. {@code "vector-256 6x16"}, for logs and benchmarks. */
    String name();
}
