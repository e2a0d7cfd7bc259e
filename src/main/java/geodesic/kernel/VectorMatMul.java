package geodesic.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API SGEMM: packed panels, a {@code 6 x 2}-vector FMA register tile and L1/L2 cache blocking
 * ({@link PackedGemm}), split across the {@link Parallelism} team by {@link GemmDriver}.
 *
 * <p>Thread-safe: concurrent calls use per-thread packing buffers (grown on first use, then reused).
 */
final class VectorMatMul implements MatMul {
    private final GemmDriver driver;
    private final String name;

    VectorMatMul(VectorSpecies<Float> species, Parallelism parallelism) {
        PackedGemm gemm = new PackedGemm(species);
        this.driver = new GemmDriver(gemm, parallelism);
        this.name = "vector-" + species.vectorBitSize() + " " + GemmMicroKernel.MR + "x" + gemm.colGranule();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        driver.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public String name() {
        return name;
    }
}
