package geodesic.kernel;

/**
 * Computes one rectangle of a row-major GEMM, {@code C[rowStart:rowEnd, colStart:colEnd] = alpha * op(A) op(B)
 * + beta * C} over the same block, with the operand conventions of {@link MatMul} ({@code op(A)} is {@code m x k},
 * {@code op(B)} is {@code k x n}, whole matrices; only the rows and columns of the rectangle are read from them).
 *
 * <p>Requires {@code k >= 1}, {@code alpha != 0} and a non-empty rectangle; {@link GemmDriver} handles the
 * degenerate cases. {@code beta == 0} ignores the old contents of C.
 *
 * <p>The value computed for an element depends only on its row, column and the inputs, never on the rectangle's
 * bounds, so any split of C into rectangles gives bitwise identical results. Implementations are thread-safe for
 * disjoint rectangles.
 */
interface GemmRectangle {

    void multiply(boolean transA, boolean transB, int rowStart, int rowEnd, int colStart, int colEnd, int k,
                  float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                  float beta, float[] c, int cOffset, int ldc);

    /** Row count that splits of C should be multiples of, for whole register tiles. */
    int rowGranule();

    /** Column count that splits of C should be multiples of, for whole register tiles. */
    int colGranule();
}
