package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaxPool2dKernelTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                arguments(new Pool2dGeometry(1, 1, 1, 1, 1), 1),
                arguments(new Pool2dGeometry(3, 5, 5, 2, 2), 3),
                arguments(new Pool2dGeometry(2, 9, 7, 3, 2), 1),
                arguments(new Pool2dGeometry(7, 8, 13, 2, 2), 3),
                arguments(new Pool2dGeometry(4, 13, 9, 3, 3), 2),
                arguments(new Pool2dGeometry(2, 6, 6, 3, 1), 2),
                arguments(new Pool2dGeometry(32, 28, 28, 2, 2), 2));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void forwardAndBackwardMatchDirectReference(Pool2dGeometry g, int batch) {
        Random r = new Random(31);
        float[] x = Conv2dKernelTest.gaussian(r, batch * g.inputSize());
        float[] dy = new float[batch * g.outputSize()];
        for (int i = 0; i < dy.length; i++) {
            // Small integers keep the overlapping-window sums exact in any order.
            dy[i] = r.nextInt(9) - 4;
        }
        float[] y = new float[dy.length];
        int[] argmax = new int[dy.length];
        MaxPool2dKernel k = new MaxPool2dKernel(g, Parallelism.sequential());
        k.forward(batch, x, y, argmax);

        float[] yRef = new float[y.length];
        int[] argRef = new int[y.length];
        int o = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < g.channels(); c++) {
                int base = (n * g.channels() + c) * g.height() * g.width();
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++, o++) {
                        int best = -1;
                        for (int i = 0; i < g.kernel(); i++) {
                            for (int j = 0; j < g.kernel(); j++) {
                                int at = base + (oh * g.stride() + i) * g.width() + ow * g.stride() + j;
                                if (best < 0 || x[at] > x[best]) {
                                    best = at;
                                }
                            }
                        }
                        yRef[o] = x[best];
                        argRef[o] = best;
                    }
                }
            }
        }
        assertArrayEquals(yRef, y, "pooled values");
        assertArrayEquals(argRef, argmax, "argmax");

        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        k.backward(batch, dy, argmax, dx);
        float[] dxRef = new float[x.length];
        for (int i = 0; i < dy.length; i++) {
            dxRef[argRef[i]] += dy[i];
        }
        assertArrayEquals(dxRef, dx, "scattered gradient");
    }

    @Test
    void tiesGoToTheFirstMaximumInRowMajorOrder() {
        Pool2dGeometry g = new Pool2dGeometry(1, 4, 4, 2, 2);
        float[] x = {
            1, 5, 0, 0,
            5, 5, 0, 0,
            3, 2, 7, 1,
            1, 3, 0, 7,
        };
        float[] y = new float[4];
        int[] argmax = new int[4];
        new MaxPool2dKernel(g, Parallelism.sequential()).forward(1, x, y, argmax);
        assertArrayEquals(new float[] {5, 0, 3, 7}, y);
        assertArrayEquals(new int[] {1, 2, 8, 10}, argmax);
    }

    @Test
    void signedZerosTieAndNegativeNanBeatsEverything() {
        Pool2dGeometry g = new Pool2dGeometry(1, 2, 6, 2, 2);
        float negativeNan = Float.intBitsToFloat(0xffc00000);
        float[] x = {
            -0f, 0f, -5, -5, 1, Float.POSITIVE_INFINITY,
            0f, -0f, negativeNan, -5, negativeNan, Float.NaN,
        };
        float[] y = new float[3];
        int[] argmax = new int[3];
        new MaxPool2dKernel(g, Parallelism.sequential()).forward(1, x, y, argmax);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[0]), "the first of the equal zeros");
        assertArrayEquals(new int[] {0, 8, 10}, argmax, "first zero, sign-bit NaN over -5 and over +infinity");
        assertTrue(Float.isNaN(y[1]) && Float.isNaN(y[2]));
    }

    @Test
    void nanInAWindowPropagatesToItsOutputAndGradient() {
        Pool2dGeometry g = new Pool2dGeometry(1, 2, 6, 2, 2);
        float nan = Float.NaN, inf = Float.NEGATIVE_INFINITY;
        float[] x = {
            1, 9, nan, 9, inf, inf,
            nan, 2, 3, nan, inf, inf,
        };
        float[] y = new float[3];
        int[] argmax = new int[3];
        MaxPool2dKernel k = new MaxPool2dKernel(g, Parallelism.sequential());
        k.forward(1, x, y, argmax);
        assertTrue(Float.isNaN(y[0]), "NaN after a larger value: " + y[0]);
        assertTrue(Float.isNaN(y[1]), "NaN first, larger value later: " + y[1]);
        assertEquals(inf, y[2], "a window of -infinity");
        assertArrayEquals(new int[] {6, 2, 4}, argmax, "first NaN, first -infinity");

        float[] dx = new float[x.length];
        k.backward(1, new float[] {1, 2, 3}, argmax, dx);
        assertArrayEquals(new float[] {0, 0, 2, 0, 3, 0, 1, 0, 0, 0, 0, 0}, dx);
    }

    @Test
    void resultsAreIdenticalForOneAndTwoThreads() {
        Pool2dGeometry g = new Pool2dGeometry(5, 11, 9, 3, 2);
        int batch = 3;
        float[] x = Conv2dKernelTest.gaussian(new Random(32), batch * g.inputSize());
        float[] dy = Conv2dKernelTest.gaussian(new Random(33), batch * g.outputSize());
        float[] y1 = new float[dy.length], y2 = new float[dy.length];
        int[] a1 = new int[dy.length], a2 = new int[dy.length];
        float[] dx1 = new float[x.length], dx2 = new float[x.length];
        MaxPool2dKernel one = new MaxPool2dKernel(g, Parallelism.sequential());
        one.forward(batch, x, y1, a1);
        one.backward(batch, dy, a1, dx1);
        try (Parallelism par = Parallelism.of(2)) {
            MaxPool2dKernel two = new MaxPool2dKernel(g, par);
            two.forward(batch, x, y2, a2);
            two.backward(batch, dy, a2, dx2);
        }
        assertArrayEquals(y1, y2);
        assertArrayEquals(a1, a2);
        assertArrayEquals(dx1, dx2);
    }

    @Test
    void backwardRejectsArgmaxOutsideItsPlane() {
        Pool2dGeometry g = new Pool2dGeometry(2, 4, 4, 2, 2);
        int[] argmax = new int[g.outputSize()];
        float[] x = new float[g.inputSize()];
        MaxPool2dKernel k = new MaxPool2dKernel(g, Parallelism.sequential());
        k.forward(1, x, new float[g.outputSize()], argmax);
        argmax[1] = 16;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.backward(1, new float[g.outputSize()], argmax, new float[g.inputSize()]));
        assertTrue(e.getMessage().contains("argmax[1] = 16 lies outside its input plane [0, 16)"), e.getMessage());
    }

    @Test
    void entryPointsRejectShortArrays() {
        Pool2dGeometry g = new Pool2dGeometry(2, 5, 5, 2, 2);
        MaxPool2dKernel k = new MaxPool2dKernel(g, Parallelism.sequential());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.forward(2, new float[2 * g.inputSize()], new float[2 * g.outputSize()], new int[3]));
        assertTrue(e.getMessage().contains("argmax must have at least 16 elements for batch 2, got 3"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.backward(2, new float[16], new int[16], new float[49]));
        assertTrue(e.getMessage().contains("dx must have at least 100 elements for batch 2, got 49"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.forward(0, new float[1], new float[1], new int[1]));
        assertTrue(e.getMessage().contains("batch must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void geometryFloorsOddSizesAndRejectsOversizedWindows() {
        Pool2dGeometry g = new Pool2dGeometry(3, 5, 7, 2, 2);
        assertEquals(2, g.outHeight());
        assertEquals(3, g.outWidth());
        assertEquals(105, g.inputSize());
        assertEquals(18, g.outputSize());
        assertEquals("Pool2d 3x5x7 -> 3x2x3, kernel 2, stride 2", g.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pool2dGeometry(1, 2, 8, 3, 1));
        assertTrue(e.getMessage().contains("pooling window 3x3 is larger than input 2x8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Pool2dGeometry(1, 4, 4, 2, 0));
        assertTrue(e.getMessage().contains("must be >= 1, got 1, 4, 4, 2, 0"), e.getMessage());
    }
}
