package geodesic.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API SGEMM: packed panels, a {@code 4 x 2}-vector FMA register tile and L1/L2 cache blocking
 * ({@link VectorPackedGemm}), split across the {@link Parallelism} team by {@link GemmDriver}.
 *
 * <p><b>Threading.</b> Thread-safe; concurrent calls on one instance are serialized by the team, calls through
 * different teams run concurrently. <b>Memory.</b> Every thread that runs a part keeps its packing buffers
 * ({@link GemmWorkspace}, at most about 2.2 MiB: a {@code 256 x 2048} B block and a {@code 144 x 256} A block)
 * for reuse, so steady-state calls allocate no buffers.
 */
final class VectorMatMul implements MatMul {
    private final GemmDriver driver;
    private final String name;

    VectorMatMul(VectorSpecies<Float> species, Parallelism parallelism) {
        VectorPackedGemm gemm = new VectorPackedGemm(species);
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
