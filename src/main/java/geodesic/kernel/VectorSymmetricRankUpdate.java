package geodesic.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API symmetric rank-k update: the lower-triangle tiles of {@code X^T X} through the packed SGEMM
 * ({@link VectorPackedGemm}), mirrored and split across the {@link Parallelism} team by {@link GemmLowerTriangle}.
 *
 * <p>Thread-safe, and allocates no buffers in steady state, as {@link VectorMatMul}.
 */
final class VectorSymmetricRankUpdate implements SymmetricRankUpdate {
    private final GemmLowerTriangle triangle;
    private final String name;

    VectorSymmetricRankUpdate(VectorSpecies<Float> species, Parallelism parallelism) {
        VectorPackedGemm gemm = new VectorPackedGemm(species);
        this.triangle = new GemmLowerTriangle(gemm, parallelism);
        this.name = "vector-" + species.vectorBitSize() + " " + GemmMicroKernel.MR + "x" + gemm.colGranule();
    }

    @Override
    public void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                       float beta, float[] c, int cOffset, int ldc) {
        triangle.update(n, rows, alpha, x, xOffset, ldx, beta, c, cOffset, ldc, true);
    }

    @Override
    public void updateLower(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                            float beta, float[] c, int cOffset, int ldc) {
        triangle.update(n, rows, alpha, x, xOffset, ldx, beta, c, cOffset, ldc, false);
    }

    @Override
    public String name() {
        return name;
    }
}
