package geodesic.bench;

import geodesic.kernel.MatMul;
import geodesic.linalg.OpenBlas;

/**
 * OpenBLAS {@code cblas_sgemm} behind the {@link MatMul} interface, so a kernel built on GEMM (convolution) can be
 * timed with OpenBLAS doing its products: the "im2col + OpenBLAS SGEMM" reference. OpenBLAS runs with the thread
 * count the benchmark sets.
 */
final class OpenBlasMatMul implements MatMul {
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        OpenBlas.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public String name() {
        return "openblas";
    }
}
