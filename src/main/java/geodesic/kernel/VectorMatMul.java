package geodesic.kernel;

/** Vector API GEMM (placeholder until the blocked implementation lands). */
final class VectorMatMul implements MatMul {
    private final Parallelism parallelism;

    VectorMatMul(jdk.incubator.vector.VectorSpecies<Float> species, Parallelism parallelism) {
        this.parallelism = parallelism;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        parallelism.run(m, i -> {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                    float bv = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOffset + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        });
    }

    @Override
    public String name() {
        return "vector-placeholder";
    }
}
