package geodesic.kernel;

/**
 * Computes one rectangle of a row-major GEMM over one range of the inner dimension:
 * {@code C[rowStart:rowEnd, colStart:colEnd] = alpha * op(A)[rows, kStart:kEnd] op(B)[kStart:kEnd, cols] + beta * C}
 * over the same block, with the operand conventions of {@link MatMul} (A and B are the whole stored matrices;
 * only the rows, columns and k range of the rectangle are read). Callers that cut k into ranges themselves pass
 * {@code beta = 1} for every range after the first.
 *
 * <p>Requires {@code kStart < kEnd}, {@code alpha != 0} and a non-empty rectangle; {@link GemmDriver} handles the
 * degenerate cases. {@code beta == 0} ignores the old contents of C. With {@code lowerOnly}, elements above the
 * diagonal of C ({@code column > row}) may be skipped and left with any value; the symmetric rank-k update
 * overwrites them.
 *
 * <p>The value computed for an element depends only on its row, column, the k range and the inputs, never on
 * the rectangle's bounds, so any split of C into rectangles gives bitwise identical results. Implementations are
 * thread-safe for disjoint rectangles.
 */
interface GemmRectangle {

    void multiply(boolean transA, boolean transB, int rowStart, int rowEnd, int colStart, int colEnd,
                  boolean lowerOnly, int kStart, int kEnd, float alpha, float[] a, int aOffset, int lda,
                  float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc);

    /** Row count that splits of C should be multiples of, for whole register tiles. */
    int rowGranule();

    /** Column count that splits of C should be multiples of, for whole register tiles. */
    int colGranule();
}
