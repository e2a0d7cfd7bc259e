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
            Im2col.im2colUnchecked(g, x, xOffset + n * g.inputSize(), expected, colsOffset + n * block);
            VectorIm2col.im2colUnchecked(g, x, xOffset + n * g.inputSize(), actual, colsOffset + n * block);
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
        float[] padded = new float[Im2col.paddedLength(g, 16)];
        for (int n = images - 1; n >= 0; n--) {
            Arrays.fill(padded, Float.NaN);
            Im2col.col2imPatchMajorUnchecked(g, colsT, colsOffset + n * block, expected,
                    dxOffset + n * g.inputSize(), padded);
            Arrays.fill(padded, Float.NaN);
            VectorIm2col.col2imPatchMajorUnchecked(g, colsT, colsOffset + n * block, actual,
                    dxOffset + n * g.inputSize(), padded);
        }
        assertArrayEquals(bits(expected), bits(actual));
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
