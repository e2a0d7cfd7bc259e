package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2dKernelTest {
    /** Float32 unit roundoff; a sum of k products carries at most about k of them per unit of sum(|terms|). */
    private static final double EPS = 0x1p-24;

    static Stream<Arguments> geometries() {
        int[] channels = {1, 3, 7};
        int[] sizes = {1, 5, 8, 9, 13};
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (int k : new int[] {1, 3, 5}) {
            for (int s : new int[] {1, 2, 3}) {
                for (int pad = 0; pad < k; pad++, i++) {
                    int h = Math.max(sizes[i % 5], k - 2 * pad);
                    int w = Math.max(sizes[(3 * i + 2) % 5], k - 2 * pad);
                    Conv2dGeometry g = new Conv2dGeometry(channels[i % 3], h, w, 1 + 3 * (i % 4), k, k, s, s, pad, pad);
                    cases.add(arguments(g, i % 2 == 0 ? 1 : 3));
                }
            }
        }
        cases.add(arguments(new Conv2dGeometry(3, 9, 13, 5, 3, 5, 2, 1, 1, 2), 3));
        cases.add(arguments(new Conv2dGeometry(7, 8, 5, 2, 5, 1, 3, 1, 4, 0), 1));
        cases.add(arguments(new Conv2dGeometry(1, 13, 8, 8, 1, 3, 1, 3, 0, 2), 3));
        cases.add(arguments(Conv2dGeometry.of(32, 14, 14, 64, 5, 1, 2), 2));
        cases.add(arguments(new Conv2dGeometry(2, 6, 7, 17, 3, 3, 1, 1, 1, 1), 37));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesFloat64DirectConvolution(Conv2dGeometry g, int batch) {
        Problem pr = new Problem(g, batch, 11);
        float[] y = new float[batch * g.outputSize()];
        Arrays.fill(y, Float.NaN);
        kernel(g, Parallelism.sequential()).forward(batch, pr.x, pr.w, pr.bias, y);

        double[][] ref = referenceForward(g, batch, pr.x, pr.w, pr.bias);
        assertWithinBound("y", y, ref[0], ref[1], g.patchSize() + 1);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void patchesAreEachRequestedImagesIm2col(Conv2dGeometry g, int batch) {
        Problem pr = new Problem(g, batch + 2, 18);
        int block = g.positions() * g.patchSize();
        float[] cols = filled(Conv2dKernel.colsLength(g, batch) + 3, Float.NaN);
        kernel(g, Parallelism.sequential()).patches(2, batch, pr.x, cols);
        for (int i = 0; i < batch; i++) {
            float[] one = new float[block];
            Im2col.im2col(g, pr.x, (2 + i) * g.inputSize(), one, 0);
            assertArrayEquals(one, Arrays.copyOfRange(cols, i * block, (i + 1) * block),
                    "patches of image " + (2 + i) + " are its im2col");
        }
        for (int i = batch * block; i < cols.length; i++) {
            assertTrue(Float.isNaN(cols[i]), "cols[" + i + "] past the images is untouched");
        }
    }

    @Test
    void forwardWithoutBiasIgnoresPreviousOutput() {
        Conv2dGeometry g = new Conv2dGeometry(3, 9, 8, 4, 3, 3, 2, 1, 1, 0);
        Problem pr = new Problem(g, 3, 5);
        float[] y = filled(3 * g.outputSize(), Float.NaN);
        kernel(g, Parallelism.sequential()).forward(3, pr.x, pr.w, null, y);
        double[][] ref = referenceForward(g, 3, pr.x, pr.w, new float[g.outChannels()]);
        assertWithinBound("y", y, ref[0], ref[1], g.patchSize());
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardWeightsMatchesFloat64Reference(Conv2dGeometry g, int batch) {
        Problem pr = new Problem(g, batch, 12);
        Conv2dKernel k = kernel(g, Parallelism.sequential());
        float[] dw = filled(g.weightSize(), Float.NaN);
        float[] dbias = filled(g.outChannels(), Float.NaN);
        k.backwardWeights(batch, pr.x, pr.dy, dw, dbias);

        int p = g.positions(), out = g.outputSize();
        double[] dwRef = new double[dw.length], dwAbs = new double[dw.length];
        forEachTap(g, batch, (n, c, ih, iw, tap, pos) -> {
            double xv = pr.x[(n * g.channels() + c) * g.height() * g.width() + ih * g.width() + iw];
            for (int o = 0; o < g.outChannels(); o++) {
                double t = xv * pr.dy[n * out + o * p + pos];
                dwRef[tap * g.outChannels() + o] += t;
                dwAbs[tap * g.outChannels() + o] += Math.abs(t);
            }
        });
        assertWithinBound("dw", dw, dwRef, dwAbs, batch * p);

        double[] dbRef = new double[g.outChannels()], dbAbs = new double[g.outChannels()];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int q = 0; q < p; q++) {
                    dbRef[o] += pr.dy[n * out + o * p + q];
                    dbAbs[o] += Math.abs(pr.dy[n * out + o * p + q]);
                }
            }
        }
        assertWithinBound("dbias", dbias, dbRef, dbAbs, 1);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardDataMatchesFloat64Reference(Conv2dGeometry g, int batch) {
        Problem pr = new Problem(g, batch, 13);
        float[] dx = filled(batch * g.inputSize(), Float.NaN);
        kernel(g, Parallelism.sequential())
                .backwardData(batch, pr.dy, pr.w, new float[Conv2dKernel.dcolsLength(g, batch)], dx);

        int p = g.positions(), out = g.outputSize(), plane = g.height() * g.width();
        double[] ref = new double[dx.length], abs = new double[dx.length];
        forEachTap(g, batch, (n, c, ih, iw, tap, pos) -> {
            int xi = (n * g.channels() + c) * plane + ih * g.width() + iw;
            for (int o = 0; o < g.outChannels(); o++) {
                double t = (double) pr.w[tap * g.outChannels() + o] * pr.dy[n * out + o * p + pos];
                ref[xi] += t;
                abs[xi] += Math.abs(t);
            }
        });
        assertWithinBound("dx", dx, ref, abs, g.outChannels() * g.kernelH() * g.kernelW());
    }

    /**
     * The loss {@code L = sum(r * conv(x, w, b))} is linear in each argument, so a central difference in double
     * is exact up to rounding: it checks that the backward passes are the adjoints of the forward definition.
     */
    @Test
    void gradientsMatchFiniteDifferencesOfFloat64Forward() {
        Conv2dGeometry g = new Conv2dGeometry(2, 5, 4, 3, 3, 2, 2, 1, 1, 1);
        int batch = 2;
        Problem pr = new Problem(g, batch, 14);
        Conv2dKernel k = kernel(g, Parallelism.sequential());
        float[] dw = new float[g.weightSize()], dbias = new float[g.outChannels()];
        float[] dx = new float[batch * g.inputSize()];
        k.backwardWeights(batch, pr.x, pr.dy, dw, dbias);
        k.backwardData(batch, pr.dy, pr.w, new float[Conv2dKernel.dcolsLength(g, batch)], dx);

        double h = 1e-3;
        double[] x = toDouble(pr.x), w = toDouble(pr.w), b = toDouble(pr.bias);
        double[][] params = {x, w, b};
        float[][] grads = {dx, dw, dbias};
        String[] names = {"dx", "dw", "dbias"};
        for (int a = 0; a < params.length; a++) {
            double[] v = params[a];
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + h;
                double plus = loss(g, batch, x, w, b, pr.dy);
                v[i] = keep - h;
                double minus = loss(g, batch, x, w, b, pr.dy);
                v[i] = keep;
                double fd = (plus - minus) / (2 * h);
                assertEquals(fd, grads[a][i], 1e-5 * (1 + Math.abs(fd)), names[a] + "[" + i + "]");
            }
        }
    }

    @Test
    void resultsAreBitwiseIdenticalForOneAndTwoThreads() {
        Conv2dGeometry g = new Conv2dGeometry(5, 13, 11, 6, 3, 5, 1, 2, 1, 2);
        int batch = 37;
        Problem pr = new Problem(g, batch, 15);
        float[][] one = runAll(g, batch, pr, Parallelism.sequential());
        try (Parallelism two = Parallelism.of(2)) {
            float[][] par = runAll(g, batch, pr, two);
            String[] names = {"y", "dw", "dbias", "dx", "cols"};
            for (int i = 0; i < names.length; i++) {
                assertArrayEquals(one[i], par[i], names[i]);
            }
        }
    }

    @Test
    void backwardDataDoesNotDependOnTheWorkspaceGroupSize() {
        Conv2dGeometry g = new Conv2dGeometry(3, 7, 9, 4, 3, 3, 2, 1, 1, 1);
        int batch = 5, block = g.positions() * g.patchSize();
        Problem pr = new Problem(g, batch, 17);
        Conv2dKernel k = kernel(g, Parallelism.sequential());
        assertEquals(batch * block, Conv2dKernel.dcolsLength(g, batch));
        assertEquals(16 * block, Conv2dKernel.dcolsLength(g, 40));
        float[] whole = new float[batch * g.inputSize()];
        k.backwardData(batch, pr.dy, pr.w, new float[Conv2dKernel.dcolsLength(g, batch)], whole);
        for (int dcols : new int[] {block, 2 * block + 1, 3 * block}) {
            float[] dx = new float[whole.length];
            k.backwardData(batch, pr.dy, pr.w, new float[dcols], dx);
            assertArrayEquals(whole, dx, "dcols of " + dcols + " floats");
        }
    }

    @Test
    void shortLastBatchUsesOnlyThePrefixOfLargerBuffers() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 6, 6, 3, 3, 1, 1);
        Problem pr = new Problem(g, 2, 16);
        Conv2dKernel k = kernel(g, Parallelism.sequential());
        float[] y = filled(4 * g.outputSize(), 7f);
        k.forward(2, Arrays.copyOf(pr.x, 4 * g.inputSize()), pr.w, pr.bias, y);
        float[] exact = new float[2 * g.outputSize()];
        k.forward(2, pr.x, pr.w, pr.bias, exact);
        assertArrayEquals(exact, Arrays.copyOf(y, exact.length));
        for (int i = exact.length; i < y.length; i++) {
            assertEquals(7f, y[i], "y[" + i + "] beyond the batch is untouched");
        }
    }

    @Test
    void entryPointsRejectWrongArrayLengthsNamingTheArray() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 6, 6, 3, 3, 1, 1);
        Conv2dKernel k = kernel(g, Parallelism.sequential());
        float[] x = new float[2 * g.inputSize()], w = new float[g.weightSize()], b = new float[3];
        float[] cols = new float[Conv2dKernel.colsLength(g, 2)], y = new float[2 * g.outputSize()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.forward(2, x, new float[g.weightSize() + 1], b, y));
        assertTrue(e.getMessage().contains("w must have " + g.weightSize() + " elements, got " + (g.weightSize() + 1)),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.patches(0, 2, x, new float[5]));
        assertTrue(e.getMessage().startsWith("cols must have at least " + cols.length), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.patches(1, 2, x, cols));
        assertTrue(e.getMessage().startsWith("x must have at least " + 3 * g.inputSize()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.patches(-1, 2, x, cols));
        assertTrue(e.getMessage().contains("images [-1, -1 + 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(3, x, w, b, y));
        assertTrue(e.getMessage().startsWith("x must have at least"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(0, x, w, b, y));
        assertTrue(e.getMessage().contains("batch must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.backwardWeights(2, x, y, w, new float[2]));
        assertTrue(e.getMessage().contains("dbias must have 3 elements, got 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.backwardData(2, y, w, new float[1], x));
        assertTrue(e.getMessage().startsWith("dcols must have at least " + g.positions() * g.patchSize()),
                e.getMessage());
    }

    @Test
    void geometryComputesSizesAndRejectsBadValues() {
        Conv2dGeometry g = new Conv2dGeometry(3, 10, 7, 8, 3, 5, 2, 3, 1, 4);
        assertEquals(5, g.outHeight());
        assertEquals(4, g.outWidth());
        assertEquals(20, g.positions());
        assertEquals(45, g.patchSize());
        assertEquals(210, g.inputSize());
        assertEquals(160, g.outputSize());
        assertEquals(360, g.weightSize());
        assertEquals("Conv2d 3x10x7 -> 8x5x4, kernel 3x5, stride 2x3, pad 1x4", g.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(3, 10, 7, 8, 3, 3, 1, 1, 3, 0));
        assertTrue(e.getMessage().contains("padH must be in [0, kernelH) = [0, 3), got 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(1, 2, 2, 1, 5, 1, 1));
        assertTrue(e.getMessage().contains("does not fit input 2x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(1, 4, 4, 1, 3, 0, 1));
        assertTrue(e.getMessage().contains("strideH must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(0, 4, 4, 1, 3, 1, 1));
        assertTrue(e.getMessage().contains("channels must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(4096, 1024, 1024, 1, 1, 1, 0));
        assertTrue(e.getMessage().contains("more than an array holds"), e.getMessage());
    }

    private static Conv2dKernel kernel(Conv2dGeometry g, Parallelism par) {
        return new Conv2dKernel(g, KernelProvider.get().matMul(par), par);
    }

    private static float[][] runAll(Conv2dGeometry g, int batch, Problem pr, Parallelism par) {
        Conv2dKernel k = kernel(g, par);
        float[] cols = new float[Conv2dKernel.colsLength(g, batch)], y = new float[batch * g.outputSize()];
        float[] dw = new float[g.weightSize()], dbias = new float[g.outChannels()];
        float[] dx = new float[batch * g.inputSize()];
        k.forward(batch, pr.x, pr.w, pr.bias, y);
        k.backwardWeights(batch, pr.x, pr.dy, dw, dbias);
        k.backwardData(batch, pr.dy, pr.w, new float[Conv2dKernel.dcolsLength(g, batch)], dx);
        k.patches(0, batch, pr.x, cols);
        return new float[][] {y, dw, dbias, dx, cols};
    }

    /** Random inputs of one convolution problem; {@code dy} doubles as the loss weights r. */
    private static final class Problem {
        final float[] x, w, bias, dy;

        Problem(Conv2dGeometry g, int batch, long seed) {
            Random r = new Random(seed);
            x = gaussian(r, batch * g.inputSize());
            w = gaussian(r, g.weightSize());
            bias = gaussian(r, g.outChannels());
            dy = gaussian(r, batch * g.outputSize());
        }
    }

    @FunctionalInterface
    private interface TapVisitor {
        void visit(int n, int c, int ih, int iw, int tap, int pos);
    }

    /** Visits every (image, output position, in-bounds tap) of the direct convolution definition. */
    private static void forEachTap(Conv2dGeometry g, int batch, TapVisitor v) {
        for (int n = 0; n < batch; n++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    for (int c = 0; c < g.channels(); c++) {
                        for (int i = 0; i < g.kernelH(); i++) {
                            for (int j = 0; j < g.kernelW(); j++) {
                                int ih = oh * g.strideH() - g.padH() + i, iw = ow * g.strideW() - g.padW() + j;
                                if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                    v.visit(n, c, ih, iw, (c * g.kernelH() + i) * g.kernelW() + j,
                                            oh * g.outWidth() + ow);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Direct convolution in double: {@code {y, sum of |terms|}}. */
    private static double[][] referenceForward(Conv2dGeometry g, int batch, float[] x, float[] w, float[] bias) {
        int p = g.positions(), out = g.outputSize(), plane = g.height() * g.width();
        double[] y = new double[batch * out], abs = new double[batch * out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int q = 0; q < p; q++) {
                    y[n * out + o * p + q] = bias[o];
                    abs[n * out + o * p + q] = Math.abs(bias[o]);
                }
            }
        }
        forEachTap(g, batch, (n, c, ih, iw, tap, pos) -> {
            double xv = x[(n * g.channels() + c) * plane + ih * g.width() + iw];
            for (int o = 0; o < g.outChannels(); o++) {
                double t = xv * w[tap * g.outChannels() + o];
                y[n * out + o * p + pos] += t;
                abs[n * out + o * p + pos] += Math.abs(t);
            }
        });
        return new double[][] {y, abs};
    }

    private static double loss(Conv2dGeometry g, int batch, double[] x, double[] w, double[] b, float[] r) {
        int p = g.positions(), out = g.outputSize(), plane = g.height() * g.width();
        double[] sum = {0};
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int q = 0; q < p; q++) {
                    sum[0] += b[o] * r[n * out + o * p + q];
                }
            }
        }
        forEachTap(g, batch, (n, c, ih, iw, tap, pos) -> {
            double xv = x[(n * g.channels() + c) * plane + ih * g.width() + iw];
            for (int o = 0; o < g.outChannels(); o++) {
                sum[0] += xv * w[tap * g.outChannels() + o] * r[n * out + o * p + pos];
            }
        });
        return sum[0];
    }

    /**
     * Asserts {@code |actual - ref| <= 2 * terms * EPS * sum|terms|} element-wise, the forward-error bound of a
     * float32 sum of {@code terms} products, and reports the largest error relative to {@code sum|terms|}.
     */
    static void assertWithinBound(String name, float[] actual, double[] ref, double[] abs, int terms) {
        double bound = 2.0 * (terms + 1) * EPS;
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < ref.length; i++) {
            double rel = Math.abs(actual[i] - ref[i]) / Math.max(abs[i], Double.MIN_NORMAL);
            if (!(rel <= worst)) {
                worst = rel;
                worstAt = i;
            }
        }
        final double w = worst;
        final int at = worstAt;
        assertTrue(w <= bound, () -> name + ": max relative error " + w + " at [" + at + "] (" + actual[at]
                + " vs " + ref[at] + ") exceeds " + bound + " for " + terms + " terms");
    }

    static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
