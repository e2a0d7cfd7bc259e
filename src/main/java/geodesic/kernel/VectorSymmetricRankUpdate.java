package geodesic.kernel;

/** Plain-Java symmetric rank-k update (placeholder until the blocked implementation lands). */
final class VectorSymmetricRankUpdate implements SymmetricRankUpdate {
    private final Parallelism parallelism;

    VectorSymmetricRankUpdate(jdk.incubator.vector.VectorSpecies<Float> species, Parallelism parallelism) {
        this.parallelism = parallelism;
    }

    @Override
    public void update(int n, int rows, float alpha, float[] x, int xOffset, int ldx,
                       float beta, float[] c, int cOffset, int ldc) {
        parallelism.run(n, i -> {
            for (int j = 0; j <= i; j++) {
                float s = 0f;
                for (int r = 0; r < rows; r++) {
                    s += x[xOffset + r * ldx + i] * x[xOffset + r * ldx + j];
                }
                int ci = cOffset + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        });
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                c[cOffset + i * ldc + j] = c[cOffset + j * ldc + i];
            }
        }
    }

    @Override
    public String name() {
        return "vector-placeholder";
    }
}
