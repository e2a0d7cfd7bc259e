package geodesic.kernel;

/**
 * Plain-Java {@link GemmRectangle}, for JVMs without the Vector API: C is first scaled by beta, then each row of C
 * receives {@code alpha * op(A)(i, p) * op(B)(p, :)} for {@code p} in order (i-k-j), an inner loop over contiguous
 * columns that C2 auto-vectorizes. op(B) is read in {@code KB x NB} blocks that stay in L2; a transposed B is first
 * packed into such a block in the thread's {@link GemmWorkspace}, so its inner loop is contiguous too.
 *
 * <p>Every element sums its products in order of {@code p} whatever the blocking, so the result does not depend on
 * the rectangle bounds.
 */
final class GemmScalarRectangle implements GemmRectangle {
    /** Depth of a B block. */
    private static final int KB = 128;
    /** Width of a B block: 128 x 512 floats is 256 KiB, half a Zen 3 L2. */
    private static final int NB = 512;

    @Override
    public void multiply(boolean transA, boolean transB, int rowStart, int rowEnd, int colStart, int colEnd,
                         boolean lowerOnly, int kStart, int kEnd, float alpha, float[] a, int aOffset, int lda,
                         float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        GemmDriver.scale(rowEnd - rowStart, colEnd - colStart, beta, c, cOffset + rowStart * ldc + colStart, ldc);
        float[] packed = transB ? GemmWorkspace.current().b(KB * NB) : null;
        for (int p0 = kStart; p0 < kEnd; p0 += KB) {
            int kb = Math.min(KB, kEnd - p0);
            for (int j0 = colStart; j0 < colEnd; j0 += NB) {
                int nb = Math.min(NB, colEnd - j0);
                float[] src;
                int base;
                int ld;
                if (transB) {
                    for (int j = 0; j < nb; j++) {
                        int from = bOffset + (j0 + j) * ldb + p0;
                        for (int p = 0; p < kb; p++) {
                            packed[p * nb + j] = b[from + p];
                        }
                    }
                    src = packed;
                    base = 0;
                    ld = nb;
                } else {
                    src = b;
                    base = bOffset + p0 * ldb + j0;
                    ld = ldb;
                }
                for (int i = rowStart; i < rowEnd; i++) {
                    int ci = cOffset + i * ldc + j0;
                    int width = lowerOnly ? Math.min(nb, i - j0 + 1) : nb;
                    for (int p = 0; p < kb; p++) {
                        float ap = transA ? a[aOffset + (p0 + p) * lda + i] : a[aOffset + i * lda + p0 + p];
                        float av = alpha * ap;
                        int bi = base + p * ld;
                        for (int j = 0; j < width; j++) {
                            c[ci + j] += av * src[bi + j];
                        }
                    }
                }
            }
        }
    }

    @Override
    public int rowGranule() {
        return 1;
    }

    @Override
    public int colGranule() {
        return 1;
    }
}
