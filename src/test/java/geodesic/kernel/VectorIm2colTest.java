package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VectorIm2colTest {

    static Stream<Conv2dGeometry> geometries() {
        return Stream.concat(Arrays.stream(Im2colTest.geometries()), Stream.of(
                Conv2dGeometry.of(32, 14, 14, 64, 5, 1, 2),
                Conv2dGeometry.of(3, 33, 7, 2, 3, 1, 1),
                Conv2dGeometry.of(2, 20, 20, 3, 11, 1, 5),
                Conv2dGeometry.of(1, 19, 23, 2, 17, 1, 8),
                Conv2dGeometry.of(2, 7, 7, 1, 7, 1, 0),
                new Conv2dGeometry(3, 12, 30, 2, 4, 9, 2, 3, 1, 4)));
    }

    /** Images are written last to first, as racing threads might: a vector spilling into the next block shows. */
    @ParameterizedTest
    @MethodSource("geometries")
    void im2colEqualsTheElementLoopsBitForBitAndStaysInsideEachImageBlock(Conv2dGeometry g) {
        int images = 3, xOffset = 1, colsOffset = 2, block = g.positions() * g.patchSize();
        Random r = new Random(31);
        float[] x = Conv2dKernelTest.gaussian(r, xOffset + images * g.inputSize());
        float[] expected = new float[colsOffset + images * block + 40];
        Arrays.fill(expected, Float.NaN);
        float[] actual = expected.clone();
        for (int n = images - 1; n >= 0; n--) {
            Im2col.im2colUnchecked(g, x, xOffset + n * g.inputSize(), expected, colsOffset + n * block, false);
            Im2col.im2colUnchecked(g, x, xOffset + n * g.inputSize(), actual, colsOffset + n * block, true);
        }
        assertArrayEquals(bits(expected), bits(actual));
    }

    /** colsT ends right after the last block, so the last rows take the element path: both paths are covered. */
    @ParameterizedTest
    @MethodSource("geometries")
    void patchMajorCol2imEqualsTheElementLoopsBitForBit(Conv2dGeometry g) {
        int images = 3, dxOffset = 3, colsOffset = 1, block = g.positions() * g.patchSize();
        Random r = new Random(32);
        float[] colsT = Conv2dKernelTest.gaussian(r, colsOffset + images * block);
        float[] expected = new float[dxOffset + images * g.inputSize() + 5];
        Arrays.fill(expected, Float.NaN);
        float[] actual = expected.clone();
        float[] padded = new float[Im2col.paddedLength(g, VectorIm2col.ROW_SLACK)];
        for (int n = images - 1; n >= 0; n--) {
            Arrays.fill(padded, Float.NaN);
            Im2col.col2imPatchMajorUnchecked(g, colsT, colsOffset + n * block, expected,
                    dxOffset + n * g.inputSize(), padded, false);
            Arrays.fill(padded, Float.NaN);
            Im2col.col2imPatchMajorUnchecked(g, colsT, colsOffset + n * block, actual,
                    dxOffset + n * g.inputSize(), padded, true);
        }
        assertArrayEquals(bits(expected), bits(actual));
    }

    /**
     * Taps written in pieces (the weight gradient's parts), images last to first, into a block with NaN before it:
     * the vector runs match the element loops bit for bit, both are the transpose of {@link Im2col#im2col}, and
     * nothing before the piece is written (the vector runs may write the slack after it). Stride-2 geometries take
     * the element path in both.
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void patchMajorIm2colIsTheTransposedPatchMatrixInAnyTapRange(Conv2dGeometry g) {
        int images = 3, xOffset = 2, p = g.positions(), patch = g.patchSize();
        Random r = new Random(34);
        float[] x = Conv2dKernelTest.gaussian(r, xOffset + images * g.inputSize());
        float[] padded = new float[Im2col.paddedLength(g, VectorIm2col.ROW_SLACK)];
        int[] cuts = {0, Math.min(patch, 3), patch / 2, patch};
        for (int n = images - 1; n >= 0; n--) {
            float[] cols = new float[p * patch];
            Im2col.im2col(g, x, xOffset + n * g.inputSize(), cols, 0);
            for (int c = 0; c + 1 < cuts.length; c++) {
                int t0 = cuts[c], t1 = cuts[c + 1];
                if (t0 >= t1) {
                    continue;
                }
                for (boolean vector : new boolean[] {false, true}) {
                    int end = 3 + (t1 - t0) * p;
                    float[] colsT = new float[end + VectorIm2col.ROW_SLACK];
                    Arrays.fill(colsT, Float.NaN);
                    Arrays.fill(padded, Float.NaN);
                    Im2col.im2colPatchMajorUnchecked(g, x, xOffset + n * g.inputSize(), colsT, 3, t0, t1, padded,
                            vector);
                    float[] expected = new float[colsT.length];
                    Arrays.fill(expected, Float.NaN);
                    for (int t = t0; t < t1; t++) {
                        for (int pos = 0; pos < p; pos++) {
                            expected[3 + (t - t0) * p + pos] = cols[pos * patch + t];
                        }
                    }
                    assertArrayEquals(bits(Arrays.copyOf(expected, end)), bits(Arrays.copyOf(colsT, end)),
                            g + ", image " + n + ", taps [" + t0 + ", " + t1 + "), vector " + vector);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void copyRunSpillingCopiesTheRunAndSpillsOnlyTheSourcesNextFloatsIntoTheSlack() {
        float[] src = Conv2dKernelTest.gaussian(new Random(35), 80 + VectorIm2col.ROW_SLACK);
        for (int length = 1; length <= 70; length++) {
            float[] dst = new float[4 + length + VectorIm2col.ROW_SLACK];
            Arrays.fill(dst, Float.NaN);
            VectorIm2col.copyRunSpilling(src, 5, dst, 4, length);
            for (int i = 0; i < dst.length; i++) {
                float expected = i < 4 ? Float.NaN : src[5 + i - 4];
                if (i < 4 + length || !Float.isNaN(dst[i])) {
                    org.junit.jupiter.api.Assertions.assertEquals(expected, dst[i], "length " + length + ", dst[" + i
                            + "]");
                }
            }
        }
    }

    /** The comparisons above would pass with the vector pieces unused; these show the pieces apply and add right. */
    @org.junit.jupiter.api.Test
    void vectorPiecesApplyToTheReferenceLayersShapes() {
        Conv2dGeometry g = Conv2dGeometry.of(32, 14, 14, 64, 5, 1, 2);
        org.junit.jupiter.api.Assertions.assertTrue(VectorIm2col.copiesRows(g.kernelW()));
        float[] colsT = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
            26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36};
        float[] padded = new float[20 + VectorIm2col.ROW_SLACK];
        org.junit.jupiter.api.Assertions.assertTrue(VectorIm2col.addRow(colsT, 0, padded, 1, 14));
        float[] expected = new float[padded.length];
        for (int ow = 0; ow < 14; ow++) {
            expected[1 + ow] = colsT[ow];
        }
        assertArrayEquals(expected, padded, "one row added, +0 past it");
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
