package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Im2colTest {

    static Conv2dGeometry[] geometries() {
        return new Conv2dGeometry[] {
            Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 0),
            Conv2dGeometry.of(1, 1, 1, 2, 5, 1, 4),
            Conv2dGeometry.of(3, 5, 8, 2, 3, 1, 1),
            Conv2dGeometry.of(7, 9, 9, 1, 5, 2, 2),
            Conv2dGeometry.of(2, 13, 8, 3, 3, 3, 2),
            Conv2dGeometry.of(1, 28, 28, 32, 5, 1, 2),
            new Conv2dGeometry(3, 9, 13, 4, 3, 5, 2, 1, 1, 4),
            new Conv2dGeometry(2, 8, 5, 1, 1, 3, 1, 3, 0, 2),
        };
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void im2colMatchesThePatchDefinitionWithZeroPadding(Conv2dGeometry g) {
        Random r = new Random(21);
        int xOffset = 3, colsOffset = 5;
        float[] x = Conv2dKernelTest.gaussian(r, xOffset + g.inputSize() + 2);
        float[] cols = new float[colsOffset + g.positions() * g.patchSize() + 4];
        Arrays.fill(cols, Float.NaN);
        Im2col.im2col(g, x, xOffset, cols, colsOffset);

        float[] expected = new float[cols.length];
        Arrays.fill(expected, Float.NaN);
        int row = 0;
        for (int oh = 0; oh < g.outHeight(); oh++) {
            for (int ow = 0; ow < g.outWidth(); ow++, row++) {
                int col = 0;
                for (int c = 0; c < g.channels(); c++) {
                    for (int i = 0; i < g.kernelH(); i++) {
                        for (int j = 0; j < g.kernelW(); j++, col++) {
                            int ih = oh * g.strideH() - g.padH() + i, iw = ow * g.strideW() - g.padW() + j;
                            boolean inside = ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width();
                            expected[colsOffset + row * g.patchSize() + col] =
                                    inside ? x[xOffset + (c * g.height() + ih) * g.width() + iw] : 0f;
                        }
                    }
                }
            }
        }
        assertArrayEquals(expected, cols, "patch matrix, with the regions outside it untouched");
    }

    /** Every pixel is overwritten: covered ones with their sum, the ones no window reaches with zero. */
    @ParameterizedTest
    @MethodSource("geometries")
    void patchMajorCol2imSumsEveryTapOntoItsPixel(Conv2dGeometry g) {
        Random r = new Random(23);
        int positions = g.positions(), offset = 2, dxOffset = 4;
        float[] colsT = Conv2dKernelTest.gaussian(r, offset + g.patchSize() * positions);
        double[] expected = new double[g.inputSize()];
        for (int oh = 0, pos = 0; oh < g.outHeight(); oh++) {
            for (int ow = 0; ow < g.outWidth(); ow++, pos++) {
                for (int c = 0, tap = 0; c < g.channels(); c++) {
                    for (int i = 0; i < g.kernelH(); i++) {
                        for (int j = 0; j < g.kernelW(); j++, tap++) {
                            int ih = oh * g.strideH() - g.padH() + i, iw = ow * g.strideW() - g.padW() + j;
                            if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                expected[(c * g.height() + ih) * g.width() + iw] += colsT[offset + tap * positions + pos];
                            }
                        }
                    }
                }
            }
        }
        float[] dx = new float[dxOffset + g.inputSize() + 3];
        Arrays.fill(dx, Float.NaN);
        float[] padded = new float[Im2col.paddedLength(g, 0)];
        Arrays.fill(padded, Float.NaN);
        Im2col.col2imPatchMajorUnchecked(g, colsT, offset, dx, dxOffset, padded, false);
        for (int i = 0; i < dx.length; i++) {
            int pixel = i - dxOffset;
            if (pixel < 0 || pixel >= g.inputSize()) {
                assertTrue(Float.isNaN(dx[i]), "outside the image, index " + i);
            } else {
                assertEquals(expected[pixel], dx[i], 1e-5 * (1 + Math.abs(expected[pixel])), "pixel " + pixel);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void col2imIsTheAdjointOfIm2col(Conv2dGeometry g) {
        Random r = new Random(22);
        int patchEntries = g.positions() * g.patchSize();
        float[] x = Conv2dKernelTest.gaussian(r, g.inputSize());
        float[] c = Conv2dKernelTest.gaussian(r, patchEntries);
        float[] colsOfX = new float[patchEntries];
        Im2col.im2col(g, x, 0, colsOfX, 0);
        float[] imageOfC = new float[g.inputSize()];
        Im2col.col2im(g, c, 0, imageOfC, 0);

        double left = 0, right = 0, scale = 0;
        for (int i = 0; i < x.length; i++) {
            left += (double) imageOfC[i] * x[i];
        }
        for (int i = 0; i < patchEntries; i++) {
            right += (double) c[i] * colsOfX[i];
            scale += Math.abs((double) c[i] * colsOfX[i]);
        }
        double rel = Math.abs(left - right) / Math.max(scale, Double.MIN_NORMAL);
        // col2im sums at most kh*kw patch entries into one float pixel.
        double bound = 2.0 * g.kernelH() * g.kernelW() * 0x1p-24;
        assertTrue(rel <= bound, "<col2im(c), x> = " + left + " vs <c, im2col(x)> = " + right
                + ", relative error " + rel + " exceeds " + bound);
    }

    @Test
    void col2imAccumulatesIntoTheImageAtItsOffset() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 5, 6, 1, 3, 2, 1);
        Random r = new Random(23);
        int patchEntries = g.positions() * g.patchSize();
        // Small integers keep every sum exact, so accumulation order cannot matter.
        float[] c = smallIntegers(r, patchEntries + 7);
        float[] fresh = new float[g.inputSize()];
        Im2col.col2im(g, c, 7, fresh, 0);

        int dxOffset = 4;
        float[] prior = smallIntegers(r, dxOffset + g.inputSize() + 3);
        float[] dx = prior.clone();
        Im2col.col2im(g, c, 7, dx, dxOffset);
        for (int i = 0; i < dx.length; i++) {
            boolean inside = i >= dxOffset && i < dxOffset + g.inputSize();
            float expected = inside ? prior[i] + fresh[i - dxOffset] : prior[i];
            assertEquals(expected, dx[i], "dx[" + i + "]");
        }
    }

    @Test
    void col2imSumsEveryPatchThatCoversAPixel() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 4, 4, 1, 3, 1, 1);
        float[] ones = new float[g.positions() * g.patchSize()];
        Arrays.fill(ones, 1f);
        float[] counts = new float[g.inputSize()];
        Im2col.col2im(g, ones, 0, counts, 0);
        float[] expected = {
            4, 6, 6, 4,
            6, 9, 9, 6,
            6, 9, 9, 6,
            4, 6, 6, 4,
        };
        assertArrayEquals(expected, counts);
    }

    @Test
    void rejectsRegionsThatDoNotFit() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 5, 5, 1, 3, 1, 1);
        float[] x = new float[g.inputSize()];
        float[] cols = new float[g.positions() * g.patchSize()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(g, x, 1, cols, 0));
        assertTrue(e.getMessage().contains("x region [1, 51) does not fit an array of length 50"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Im2col.im2col(g, x, 0, new float[10], 0));
        assertTrue(e.getMessage().contains("cols region [0, 450)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Im2col.col2im(g, cols, 0, x, -1));
        assertTrue(e.getMessage().contains("dx region [-1, 49)"), e.getMessage());
    }

    private static float[] smallIntegers(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(17) - 8;
        }
        return a;
    }
}
