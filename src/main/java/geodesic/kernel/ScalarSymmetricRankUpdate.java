package geodesic.kernel;

/**
 * Plain-Java symmetric rank-k update, the fallback without the Vector API: the lower-triangle tiles of
 * {@code X^T X} through {@link GemmScalarRectangle}, mirrored and split across the {@link Parallelism} team by
 * {@link GemmLowerTriangle}.
 *
 * <p>Thread-safe; a transposed operand is packed into per-thread buffers that are reused.
 */
final class ScalarSymmetricRankUpdate implements SymmetricRankUpdate {
    private final GemmLowerTriangle triangle;

    ScalarSymmetricRankUpdate(Parallelism parallelism) {
        this.triangle = new GemmLowerTriangle(new GemmScalarRectangle(), parallelism);
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
        return "scalar";
    }
}
