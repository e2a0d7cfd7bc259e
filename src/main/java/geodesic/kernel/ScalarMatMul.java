package geodesic.kernel;

/**
 * Plain-Java SGEMM, the fallback without the Vector API: cache-blocked i-k-j loops ({@link GemmScalarRectangle}),
 * split across the {@link Parallelism} team by {@link GemmDriver}.
 *
 * <p>Thread-safe; a transposed B is packed into per-thread buffers ({@code 128 x 512} floats) that are reused.
 */
final class ScalarMatMul implements MatMul {
    private final GemmDriver driver;

    ScalarMatMul(Parallelism parallelism) {
        this.driver = new GemmDriver(new GemmScalarRectangle(), parallelism);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        driver.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
