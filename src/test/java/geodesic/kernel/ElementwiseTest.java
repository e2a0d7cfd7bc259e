package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against a float64 reference written here, for the scalar kernels and the vector kernels at this
 * JVM's width (the build reruns the kernel tests with {@code -Dgeodesic.kernel.bits=128} and {@code =scalar}). Operands sit at distinct non-zero offsets inside arrays with random padding,
 * which must come back untouched. Maps and updates must also equal the scalar kernels bit for bit.
 */
class ElementwiseTest {
    private static final int[] SIZES = {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 129, 257, 1000};
    private static final int PAD = 4;
    private static final double FLOAT_EPS = 0x1p-24;
    private static final int STEPS = 5;

    static Stream<Named<Elementwise>> kernels() {
        List<Named<Elementwise>> kernels = new ArrayList<>();
        kernels.add(Named.of("scalar", ScalarElementwise.INSTANCE));
        KernelProvider provider = KernelProvider.get();
        if (provider.vectorized()) {
            kernels.add(Named.of("vector-" + provider.floatLanes() * 32, provider.elementwise()));
        }
        return kernels.stream();
    }

    /** Offset of operand {@code j}: distinct, non-zero and not a multiple of any vector length. */
    private static int off(int j) {
        return 3 + 2 * j;
    }

    private static float[] gaussian(Random rnd, int n, int j, double scale) {
        float[] a = new float[off(j) + n + PAD];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (scale * rnd.nextGaussian());
        }
        return a;
    }

    private static float[] positive(Random rnd, int n, int j, double scale) {
        float[] a = new float[off(j) + n + PAD];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (scale * rnd.nextDouble());
        }
        return a;
    }

    private static double[] toDouble(float[] a, int off, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[off + i];
        }
        return d;
    }

    private static float[][] deepCopy(float[][] arrays) {
        float[][] c = new float[arrays.length][];
        for (int j = 0; j < arrays.length; j++) {
            c[j] = arrays[j] == null ? null : arrays[j].clone();
        }
        return c;
    }

    /**
     * Runs {@code op} with kernel {@code k} on copies of {@code init}, checks the result equals the scalar kernel's
     * bit for bit, and returns it.
     */
    private static float[][] runAndCompareWithScalar(Elementwise k, float[][] init, String label,
                                                     BiConsumer<Elementwise, float[][]> op) {
        float[][] got = deepCopy(init);
        op.accept(k, got);
        float[][] scalar = deepCopy(init);
        op.accept(ScalarElementwise.INSTANCE, scalar);
        for (int j = 0; j < got.length; j++) {
            assertArrayEquals(scalar[j], got[j], label + ": operand " + j + " differs from the scalar kernel");
        }
        return got;
    }

    /** Elements of {@code after} outside {@code [off, off + len)} equal those of {@code before}. */
    private static void assertOutsideUnchanged(float[] before, float[] after, int off, int len, String label) {
        for (int i = 0; i < before.length; i++) {
            if (i < off || i >= off + len) {
                int idx = i;
                assertEquals(before[i], after[i], 0f, () -> label + ": wrote outside its range at array index " + idx);
            }
        }
    }

    /**
     * Max over {@code i} of {@code |actual - expected| / max(|expected|, floor)} must be at most {@code tol};
     * {@code floor} is the magnitude below which an error counts as absolute (set per quantity from its scale).
     */
    private static void assertClose(double[] expected, float[] actual, int off, double tol, double floor,
                                    String label) {
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[off + i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
            if (!(err <= worst)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                worstAt = i;
            }
        }
        double w = worst;
        int at = worstAt;
        assertTrue(worst <= tol, () -> label + ": max relative error " + w + " at element " + at + " exceeds " + tol);
    }

    private static void assertCloseScalar(double expected, double actual, double scale, double tol, String label) {
        double err = Math.abs(actual - expected) / scale;
        assertTrue(err <= tol, () -> label + ": relative error " + err + " (expected " + expected + ", got "
                + actual + ") exceeds " + tol);
    }

    /** Tolerance of a float reduction: a few roundings per level of a pairwise-ish tree over {@code n} terms. */
    private static double reductionTolerance(int n) {
        return 4 * FLOAT_EPS * (2 + Math.log(n + 1) / Math.log(2));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void axpyMatchesFloat64ReferenceAndAllowsAliasing(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(100 + n);
            float alpha = -0.75f;
            float[][] init = {gaussian(rnd, n, 0, 1), gaussian(rnd, n, 1, 1)};
            String label = "axpy n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label,
                    (e, a) -> e.axpy(n, alpha, a[0], off(0), a[1], off(1)));
            double[] x = toDouble(init[0], off(0), n);
            double[] y = toDouble(init[1], off(1), n);
            for (int i = 0; i < n; i++) {
                y[i] += alpha * x[i];
            }
            assertClose(y, got[1], off(1), 1e-5, 0.1, label);
            assertArrayEquals(init[0], got[0], label + ": x was written");
            assertOutsideUnchanged(init[1], got[1], off(1), n, label);

            float[][] aliased = runAndCompareWithScalar(k, init, label + " aliased",
                    (e, a) -> e.axpy(n, alpha, a[1], off(1), a[1], off(1)));
            double[] y2 = toDouble(init[1], off(1), n);
            for (int i = 0; i < n; i++) {
                y2[i] += alpha * y2[i];
            }
            assertClose(y2, aliased[1], off(1), 1e-5, 0.1, label + " aliased");
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void scaleInPlaceMatchesFloat64Reference(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(200 + n);
            float[][] init = {gaussian(rnd, n, 0, 1)};
            String label = "scaleInPlace n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> e.scaleInPlace(n, 1.3f, a[0], off(0)));
            double[] x = toDouble(init[0], off(0), n);
            for (int i = 0; i < n; i++) {
                x[i] *= 1.3f;
            }
            assertClose(x, got[0], off(0), 1e-6, 1e-30, label);
            assertOutsideUnchanged(init[0], got[0], off(0), n, label);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void copyAndFillWriteExactlyTheirRange(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(300 + n);
            float[][] init = {gaussian(rnd, n, 0, 1), gaussian(rnd, n, 1, 1)};
            String label = "copy/fill n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                e.copy(n, a[0], off(0), a[1], off(1));
                e.fill(n, 2.5f, a[0], off(0));
            });
            for (int i = 0; i < n; i++) {
                assertEquals(init[0][off(0) + i], got[1][off(1) + i], 0f, label + ": copied element " + i);
                assertEquals(2.5f, got[0][off(0) + i], 0f, label + ": filled element " + i);
            }
            assertOutsideUnchanged(init[0], got[0], off(0), n, label);
            assertOutsideUnchanged(init[1], got[1], off(1), n, label);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void dotAndSumOfSquaresMatchFloat64ReferenceWithinToleranceGrowingWithLength(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(400 + n);
            float[] x = gaussian(rnd, n, 0, 1);
            float[] y = gaussian(rnd, n, 1, 1);
            double dot = 0;
            double dotAbs = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double p = (double) x[off(0) + i] * y[off(1) + i];
                dot += p;
                dotAbs += Math.abs(p);
                squares += (double) x[off(0) + i] * x[off(0) + i];
            }
            double tol = reductionTolerance(n);
            assertCloseScalar(dot, k.dot(n, x, off(0), y, off(1)), Math.max(dotAbs, 1e-30), tol, "dot n=" + n);
            assertCloseScalar(squares, k.sumOfSquares(n, x, off(0)), Math.max(squares, 1e-30), tol,
                    "sumOfSquares n=" + n);
            assertCloseScalar(squares, k.dot(n, x, off(0), x, off(0)), Math.max(squares, 1e-30), tol,
                    "dot aliased n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void dotAndSumOfSquaresKeepRelativeErrorBelowOneMillionthForAMillionElements(Elementwise k) {
        int n = 1_000_000;
        Random rnd = new Random(450);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1 + rnd.nextDouble());
            y[i] = (float) rnd.nextGaussian();
        }
        double dot = 0;
        double dotAbs = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) x[i] * y[i];
            dotAbs += Math.abs((double) x[i] * y[i]);
            squares += (double) x[i] * x[i];
        }
        assertCloseScalar(squares, k.sumOfSquares(n, x, 0), squares, 1e-6, "sumOfSquares n=1e6");
        assertCloseScalar(dot, k.dot(n, x, 0, y, 0), dotAbs, 1e-6, "dot n=1e6 (relative to sum |x*y|)");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void firstNonFiniteFindsNaNAndBothInfinitiesAtEveryPosition(Elementwise k) {
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int n : SIZES) {
            Random rnd = new Random(500 + n);
            float[] x = gaussian(rnd, n, 2, 1e30);
            assertEquals(-1, k.firstNonFinite(n, x, off(2)), "all finite, n=" + n);
            for (float b : bad) {
                for (int pos = 0; pos < n; pos++) {
                    float saved = x[off(2) + pos];
                    x[off(2) + pos] = b;
                    assertEquals(pos, k.firstNonFinite(n, x, off(2)), b + " at " + pos + ", n=" + n);
                    if (pos + 1 < n) {
                        float savedNext = x[off(2) + n - 1];
                        x[off(2) + n - 1] = Float.NaN;
                        assertEquals(pos, k.firstNonFinite(n, x, off(2)),
                                b + " at " + pos + " before a NaN at the end, n=" + n);
                        x[off(2) + n - 1] = savedNext;
                    }
                    x[off(2) + pos] = saved;
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void firstNonFiniteAcceptsFiniteExtremesAndIgnoresElementsOutsideItsRange(Elementwise k) {
        for (int n : SIZES) {
            float[] x = new float[off(1) + n + PAD];
            Arrays.fill(x, Float.NaN);
            float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, Float.MIN_NORMAL};
            for (int i = 0; i < n; i++) {
                x[off(1) + i] = extremes[i % extremes.length];
            }
            assertEquals(-1, k.firstNonFinite(n, x, off(1)), "finite extremes between NaN padding, n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void reluMatchesReferenceInPlaceAndOutOfPlace(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(600 + n);
            float[][] init = {gaussian(rnd, n, 0, 1), gaussian(rnd, n, 1, 1)};
            String label = "relu n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                e.relu(n, a[0], off(0), a[1], off(1));
                e.relu(n, a[0], off(0), a[0], off(0));
            });
            for (int i = 0; i < n; i++) {
                float expected = Math.max(init[0][off(0) + i], 0f);
                assertEquals(expected, got[1][off(1) + i], 0f, label + " out of place, element " + i);
                assertEquals(expected, got[0][off(0) + i], 0f, label + " in place, element " + i);
            }
            assertOutsideUnchanged(init[0], got[0], off(0), n, label);
            assertOutsideUnchanged(init[1], got[1], off(1), n, label);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void reluKeepsNaNAndMapsNegativeZeroAndInfinitiesLikeTorch(Elementwise k) {
        float[] special = {Float.NaN, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -1f, 2f};
        for (int n : SIZES) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = special[i % special.length];
            }
            float[] y = new float[n];
            k.relu(n, x, 0, y, 0);
            float[] expected = {Float.NaN, 0f, 0f, Float.POSITIVE_INFINITY, 0f, 2f};
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(expected[i % expected.length]), Float.floatToIntBits(y[i]),
                        "relu(" + x[i] + ") at " + i + ", n=" + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void reluBackwardPassesGradientOnlyWhereInputIsPositiveAndAllowsAliasing(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(700 + n);
            float[] x = gaussian(rnd, n, 0, 1);
            for (int i = 0; i < n; i += 5) {
                x[off(0) + i] = i % 10 == 0 ? 0f : Float.NaN;
            }
            float[] dy = gaussian(rnd, n, 1, 1);
            for (int i = 3; i < n; i += 7) {
                dy[off(1) + i] = Float.POSITIVE_INFINITY;
            }
            float[][] init = {x, dy, gaussian(rnd, n, 2, 1)};
            String label = "reluBackward n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label,
                    (e, a) -> e.reluBackward(n, a[0], off(0), a[1], off(1), a[2], off(2)));
            float[][] inPlaceDy = runAndCompareWithScalar(k, init, label + " dx=dy",
                    (e, a) -> e.reluBackward(n, a[0], off(0), a[1], off(1), a[1], off(1)));
            float[][] inPlaceX = runAndCompareWithScalar(k, init, label + " dx=x",
                    (e, a) -> e.reluBackward(n, a[0], off(0), a[1], off(1), a[0], off(0)));
            for (int i = 0; i < n; i++) {
                float expected = x[off(0) + i] > 0 ? dy[off(1) + i] : 0f;
                assertEquals(expected, got[2][off(2) + i], 0f, label + ", element " + i);
                assertEquals(expected, inPlaceDy[1][off(1) + i], 0f, label + " dx=dy, element " + i);
                assertEquals(expected, inPlaceX[0][off(0) + i], 0f, label + " dx=x, element " + i);
            }
            assertOutsideUnchanged(init[2], got[2], off(2), n, label);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void addRowBiasAndAddChannelBiasMatchReference(Elementwise k) {
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : SIZES) {
                Random rnd = new Random(800 + 31L * rows + cols);
                float[][] init = {gaussian(rnd, cols, 0, 1), gaussian(rnd, rows * cols, 1, 1),
                                  gaussian(rnd, rows, 2, 1)};
                String label = "bias " + rows + "x" + cols;
                float[][] row = runAndCompareWithScalar(k, init, label + " row",
                        (e, a) -> e.addRowBias(rows, cols, a[0], off(0), a[1], off(1)));
                float[][] channel = runAndCompareWithScalar(k, init, label + " channel",
                        (e, a) -> e.addChannelBias(rows, cols, a[2], off(2), a[1], off(1)));
                double[] rowRef = new double[rows * cols];
                double[] channelRef = new double[rows * cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        double x = init[1][off(1) + r * cols + c];
                        rowRef[r * cols + c] = x + init[0][off(0) + c];
                        channelRef[r * cols + c] = x + init[2][off(2) + r];
                    }
                }
                assertClose(rowRef, row[1], off(1), 1e-5, 0.1, label + " row");
                assertClose(channelRef, channel[1], off(1), 1e-5, 0.1, label + " channel");
                assertOutsideUnchanged(init[1], row[1], off(1), rows * cols, label + " row");
                assertOutsideUnchanged(init[1], channel[1], off(1), rows * cols, label + " channel");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void columnSumsAndRowSumsMatchReferenceWithAndWithoutAccumulation(Elementwise k) {
        for (int rows : new int[] {1, 2, 9, 33}) {
            for (int cols : SIZES) {
                Random rnd = new Random(900 + 37L * rows + cols);
                float[][] init = {gaussian(rnd, rows * cols, 0, 1), gaussian(rnd, cols, 1, 1),
                                  gaussian(rnd, rows, 2, 1)};
                for (boolean accumulate : new boolean[] {false, true}) {
                    String label = "sums " + rows + "x" + cols + " accumulate=" + accumulate;
                    float[][] got = runAndCompareWithScalar(k, init, label,
                            (e, a) -> e.columnSums(rows, cols, a[0], off(0), a[1], off(1), accumulate));
                    // Row sums are reductions: compared with the reference only, not bit for bit.
                    k.rowSums(rows, cols, got[0], off(0), got[2], off(2), accumulate);
                    double[] colRef = new double[cols];
                    double[] colAbs = new double[cols];
                    double[] rowRef = new double[rows];
                    double[] rowAbs = new double[rows];
                    for (int c = 0; c < cols; c++) {
                        colRef[c] = accumulate ? init[1][off(1) + c] : 0;
                        colAbs[c] = Math.abs(colRef[c]);
                    }
                    for (int r = 0; r < rows; r++) {
                        rowRef[r] = accumulate ? init[2][off(2) + r] : 0;
                        rowAbs[r] = Math.abs(rowRef[r]);
                        for (int c = 0; c < cols; c++) {
                            double x = init[0][off(0) + r * cols + c];
                            colRef[c] += x;
                            colAbs[c] += Math.abs(x);
                            rowRef[r] += x;
                            rowAbs[r] += Math.abs(x);
                        }
                    }
                    // Column sums add rows sequentially in float: error bound linear in rows.
                    double colTol = (rows + 2) * FLOAT_EPS;
                    for (int c = 0; c < cols; c++) {
                        assertCloseScalar(colRef[c], got[1][off(1) + c], Math.max(colAbs[c], 1e-30), colTol,
                                label + " column " + c);
                    }
                    double rowTol = reductionTolerance(cols);
                    for (int r = 0; r < rows; r++) {
                        assertCloseScalar(rowRef[r], got[2][off(2) + r], Math.max(rowAbs[r], 1e-30), rowTol,
                                label + " row " + r);
                    }
                    assertArrayEquals(init[0], got[0], label + ": input was written");
                    assertOutsideUnchanged(init[1], got[1], off(1), cols, label);
                    assertOutsideUnchanged(init[2], got[2], off(2), rows, label);
                }
            }
        }
    }

    /** Per-step gradients, operand index 1 layout, for replays. */
    private static float[][] gradients(Random rnd, int n) {
        float[][] g = new float[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            g[t] = gaussian(rnd, n, 1, 1);
        }
        return g;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void sgdMatchesTorchFormulaOverSeveralSteps(Elementwise k) {
        for (double wd : new double[] {0, 0.01}) {
            for (int n : SIZES) {
                Random rnd = new Random(1000 + n);
                double lr = 0.1;
                float[][] grads = gradients(rnd, n);
                float[][] init = {gaussian(rnd, n, 0, 0.5)};
                String label = "sgd wd=" + wd + " n=" + n;
                float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                    for (int t = 0; t < STEPS; t++) {
                        e.sgdUpdate(n, a[0], off(0), grads[t], off(1), new SgdStep(lr, wd));
                    }
                });
                double[] p = toDouble(init[0], off(0), n);
                for (int t = 0; t < STEPS; t++) {
                    for (int i = 0; i < n; i++) {
                        double g = grads[t][off(1) + i] + wd * p[i];
                        p[i] -= lr * g;
                    }
                }
                assertClose(p, got[0], off(0), 1e-5, lr, label);
                assertOutsideUnchanged(init[0], got[0], off(0), n, label);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void momentumMatchesTorchFormulaOverSeveralSteps(Elementwise k) {
        record Variant(double dampening, boolean nesterov, double wd) {
        }
        for (Variant var : List.of(new Variant(0, false, 0), new Variant(0.1, false, 0.01),
                new Variant(0, true, 0.01))) {
            for (int n : SIZES) {
                Random rnd = new Random(1100 + n);
                double lr = 0.1;
                double mu = 0.9;
                float[][] grads = gradients(rnd, n);
                float[][] init = {gaussian(rnd, n, 0, 0.5), gaussian(rnd, n, 2, 1)};
                String label = "momentum " + var + " n=" + n;
                float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                    for (int t = 0; t < STEPS; t++) {
                        MomentumStep s = new MomentumStep(lr, mu, var.dampening(), var.nesterov(), var.wd(), t == 0);
                        e.momentumUpdate(n, a[0], off(0), grads[t], off(1), a[1], off(2), s);
                    }
                });
                double[] p = toDouble(init[0], off(0), n);
                double[] buf = new double[n];
                for (int t = 0; t < STEPS; t++) {
                    for (int i = 0; i < n; i++) {
                        double g = grads[t][off(1) + i] + var.wd() * p[i];
                        buf[i] = t == 0 ? g : mu * buf[i] + (1 - var.dampening()) * g;
                        double d = var.nesterov() ? g + mu * buf[i] : buf[i];
                        p[i] -= lr * d;
                    }
                }
                assertClose(p, got[0], off(0), 1e-5, lr, label + " param");
                assertClose(buf, got[1], off(2), 1e-5, 0.1, label + " buf");
                assertOutsideUnchanged(init[0], got[0], off(0), n, label);
                assertOutsideUnchanged(init[1], got[1], off(2), n, label);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void adamAndAmsGradMatchTorchFormulaOverSeveralSteps(Elementwise k) {
        for (boolean ams : new boolean[] {false, true}) {
            for (double wd : new double[] {0, 0.01}) {
                for (int n : SIZES) {
                    Random rnd = new Random(1200 + n);
                    double lr = 0.1;
                    double b1 = 0.9;
                    double b2 = 0.99;
                    double eps = 1e-8;
                    float[][] grads = gradients(rnd, n);
                    float[][] init = {gaussian(rnd, n, 0, 0.5), new float[off(2) + n + PAD],
                                      new float[off(3) + n + PAD], ams ? new float[off(4) + n + PAD] : null};
                    String label = "adam amsgrad=" + ams + " wd=" + wd + " n=" + n;
                    float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                        for (int t = 1; t <= STEPS; t++) {
                            e.adamUpdate(n, a[0], off(0), grads[t - 1], off(1), a[1], off(2), a[2], off(3),
                                    a[3], off(4), new AdamStep(lr, b1, b2, eps, wd, t));
                        }
                    });
                    double[] p = toDouble(init[0], off(0), n);
                    double[] m = new double[n];
                    double[] v = new double[n];
                    double[] vMax = new double[n];
                    for (int t = 1; t <= STEPS; t++) {
                        double bc1 = 1 - Math.pow(b1, t);
                        double bc2 = 1 - Math.pow(b2, t);
                        for (int i = 0; i < n; i++) {
                            double g = grads[t - 1][off(1) + i] + wd * p[i];
                            m[i] = b1 * m[i] + (1 - b1) * g;
                            v[i] = b2 * v[i] + (1 - b2) * g * g;
                            vMax[i] = Math.max(vMax[i], v[i]);
                            double denom = Math.sqrt(ams ? vMax[i] : v[i]) / Math.sqrt(bc2) + eps;
                            p[i] -= lr / bc1 * m[i] / denom;
                        }
                    }
                    assertClose(p, got[0], off(0), 1e-5, lr, label + " param");
                    assertClose(m, got[1], off(2), 1e-5, 0.1, label + " m");
                    assertClose(v, got[2], off(3), 1e-5, 1e-6, label + " v");
                    if (ams) {
                        assertClose(vMax, got[3], off(4), 1e-5, 1e-6, label + " vMax");
                    }
                    assertOutsideUnchanged(init[0], got[0], off(0), n, label);
                    assertOutsideUnchanged(init[2], got[2], off(3), n, label);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rmsPropAndAdagradMatchTorchFormulaOverSeveralSteps(Elementwise k) {
        for (double wd : new double[] {0, 0.01}) {
            for (int n : SIZES) {
                Random rnd = new Random(1300 + n);
                double lr = 0.1;
                double alpha = 0.99;
                double eps = 1e-8;
                float[][] grads = gradients(rnd, n);
                float[][] init = {gaussian(rnd, n, 0, 0.5), positive(rnd, n, 2, 0.01), gaussian(rnd, n, 3, 0.5),
                                  positive(rnd, n, 4, 0.1)};
                String label = "rmsprop/adagrad wd=" + wd + " n=" + n;
                float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                    for (int t = 0; t < STEPS; t++) {
                        e.rmsPropUpdate(n, a[0], off(0), grads[t], off(1), a[1], off(2),
                                new RmsPropStep(lr, alpha, eps, wd));
                        e.adagradUpdate(n, a[2], off(3), grads[t], off(1), a[3], off(4),
                                new AdagradStep(lr, eps, wd));
                    }
                });
                double[] p = toDouble(init[0], off(0), n);
                double[] sq = toDouble(init[1], off(2), n);
                double[] q = toDouble(init[2], off(3), n);
                double[] sum = toDouble(init[3], off(4), n);
                for (int t = 0; t < STEPS; t++) {
                    for (int i = 0; i < n; i++) {
                        double g = grads[t][off(1) + i] + wd * p[i];
                        sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                        p[i] -= lr * g / (Math.sqrt(sq[i]) + eps);
                        double h = grads[t][off(1) + i] + wd * q[i];
                        sum[i] += h * h;
                        q[i] -= lr * h / (Math.sqrt(sum[i]) + eps);
                    }
                }
                assertClose(p, got[0], off(0), 1e-5, lr, label + " rmsprop param");
                assertClose(sq, got[1], off(2), 1e-5, 1e-6, label + " rmsprop sq");
                assertClose(q, got[2], off(3), 1e-5, lr, label + " adagrad param");
                assertClose(sum, got[3], off(4), 1e-5, 1e-6, label + " adagrad sum");
                assertOutsideUnchanged(init[0], got[0], off(0), n, label);
                assertOutsideUnchanged(init[3], got[3], off(4), n, label);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void diagonalPreconditionAndEmaMatchReferenceOverSeveralSteps(Elementwise k) {
        for (int n : SIZES) {
            Random rnd = new Random(1400 + n);
            double rho = 0.9;
            double eps = 1e-8;
            double gamma = 0.05;
            float[][] grads = gradients(rnd, n);
            float[][] init = new float[STEPS + 2][];
            System.arraycopy(grads, 0, init, 0, STEPS);
            init[STEPS] = new float[off(2) + n + PAD];
            init[STEPS + 1] = gaussian(rnd, n, 3, 1);
            String label = "diagonal/ema n=" + n;
            float[][] got = runAndCompareWithScalar(k, init, label, (e, a) -> {
                for (int t = 0; t < STEPS; t++) {
                    e.diagonalPreconditionInPlace(n, a[t], off(1), a[STEPS], off(2), rho, eps);
                    e.emaInPlace(n, gamma, a[t], off(1), a[STEPS + 1], off(3));
                }
            });
            double[] ema = new double[n];
            double[] y = toDouble(init[STEPS + 1], off(3), n);
            for (int t = 0; t < STEPS; t++) {
                double[] g = toDouble(grads[t], off(1), n);
                for (int i = 0; i < n; i++) {
                    ema[i] = rho * ema[i] + (1 - rho) * g[i] * g[i];
                    g[i] = g[i] / (Math.sqrt(ema[i]) + eps);
                    y[i] = (1 - gamma) * y[i] + gamma * g[i];
                }
                assertClose(g, got[t], off(1), 1e-5, 0.1, label + " preconditioned gradient of step " + t);
                assertOutsideUnchanged(grads[t], got[t], off(1), n, label);
            }
            assertClose(ema, got[STEPS], off(2), 1e-5, 1e-6, label + " ema");
            assertClose(y, got[STEPS + 1], off(3), 1e-5, 0.1, label + " emaInPlace");
            assertOutsideUnchanged(init[STEPS + 1], got[STEPS + 1], off(3), n, label);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void updatesLeaveTheGradientUntouched(Elementwise k) {
        int n = 33;
        Random rnd = new Random(1500);
        float[] g = gaussian(rnd, n, 1, 1);
        float[] before = g.clone();
        float[] p = gaussian(rnd, n, 0, 1);
        float[] s1 = positive(rnd, n, 2, 1);
        float[] s2 = positive(rnd, n, 3, 1);
        float[] s3 = positive(rnd, n, 4, 1);
        k.sgdUpdate(n, p, off(0), g, off(1), new SgdStep(0.1, 0.1));
        k.momentumUpdate(n, p, off(0), g, off(1), s1, off(2), new MomentumStep(0.1, 0.9, 0, true, 0.1, false));
        k.adamUpdate(n, p, off(0), g, off(1), s1, off(2), s2, off(3), s3, off(4),
                new AdamStep(0.1, 0.9, 0.999, 1e-8, 0.1, 3));
        k.rmsPropUpdate(n, p, off(0), g, off(1), s1, off(2), new RmsPropStep(0.1, 0.9, 1e-8, 0.1));
        k.adagradUpdate(n, p, off(0), g, off(1), s1, off(2), new AdagradStep(0.1, 1e-8, 0.1));
        assertArrayEquals(before, g);
    }

    /* Hand-computed single steps: literal values, independent of the reference code above. */

    @ParameterizedTest
    @MethodSource("kernels")
    void sgdAndMomentumStepsMatchHandComputedValues(Elementwise k) {
        float[] p = {1f};
        k.sgdUpdate(1, p, 0, new float[] {0.5f}, 0, new SgdStep(0.1, 0.1));
        assertNear(0.94f, p[0], "sgd: 1 - 0.1 * (0.5 + 0.1 * 1)");

        float[] q = {1f};
        float[] buf = {123f};
        k.momentumUpdate(1, q, 0, new float[] {0.5f}, 0, buf, 0, new MomentumStep(0.1, 0.9, 0, false, 0, true));
        assertEquals(0.5f, buf[0], 0f, "momentum first step sets buf to g");
        assertNear(0.95f, q[0], "momentum step 1");
        k.momentumUpdate(1, q, 0, new float[] {0.5f}, 0, buf, 0, new MomentumStep(0.1, 0.9, 0, false, 0, false));
        assertNear(0.95f, buf[0], "momentum buf step 2: 0.9 * 0.5 + 0.5");
        assertNear(0.855f, q[0], "momentum step 2: 0.95 - 0.1 * 0.95");

        float[] r = {1f};
        float[] nb = {0f};
        k.momentumUpdate(1, r, 0, new float[] {0.5f}, 0, nb, 0, new MomentumStep(0.1, 0.9, 0, true, 0, true));
        assertNear(0.905f, r[0], "nesterov step 1: 1 - 0.1 * (0.5 + 0.9 * 0.5)");

        float[] d = {1f};
        float[] db = {2f};
        k.momentumUpdate(1, d, 0, new float[] {0.5f}, 0, db, 0, new MomentumStep(0.1, 0.9, 0.5, false, 0, false));
        assertNear(2.05f, db[0], "dampened buf: 0.9 * 2 + 0.5 * 0.5");
        assertNear(0.795f, d[0], "dampened step: 1 - 0.1 * 2.05");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void adamFirstStepMovesEachParameterByTheLearningRateAgainstTheGradientSign(Elementwise k) {
        int n = 19;
        float[] p = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = 1f;
            g[i] = i % 2 == 0 ? 0.5f : -3f;
        }
        float[] m = new float[n];
        float[] v = new float[n];
        k.adamUpdate(n, p, 0, g, 0, m, 0, v, 0, null, 0, new AdamStep(0.01, 0.9, 0.999, 1e-8, 0, 1));
        for (int i = 0; i < n; i += 2) {
            assertNear(0.99f, p[i], "g = 0.5 moves p by -lr, element " + i);
            assertNear(0.05f, m[i], "m = 0.1 * 0.5");
            assertNear(2.5e-4f, v[i], "v = 0.001 * 0.25");
        }
        for (int i = 1; i < n; i += 2) {
            assertNear(1.01f, p[i], "g = -3 moves p by +lr, element " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void amsGradSecondStepUsesTheRunningMaximumOfV(Elementwise k) {
        float[] p = {1f};
        float[] m = {0f};
        float[] v = {0f};
        float[] vMax = {0f};
        k.adamUpdate(1, p, 0, new float[] {0.5f}, 0, m, 0, v, 0, vMax, 0, new AdamStep(0.01, 0.9, 0.999, 1e-8, 0, 1));
        k.adamUpdate(1, p, 0, new float[] {0f}, 0, m, 0, v, 0, vMax, 0, new AdamStep(0.01, 0.9, 0.999, 1e-8, 0, 2));
        assertNear(2.4975e-4f, v[0], "v decays: 0.999 * 2.5e-4");
        assertNear(2.5e-4f, vMax[0], "vMax keeps the step-1 value");
        // Literal from a float64 evaluation of the torch formula; plain Adam would give 0.9832994.
        assertNear(0.9833028f, p[0], "AMSGrad step 2");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rmsPropAdagradDiagonalAndEmaStepsMatchHandComputedValues(Elementwise k) {
        float[] p = {1f};
        float[] sq = {0f};
        k.rmsPropUpdate(1, p, 0, new float[] {0.5f}, 0, sq, 0, new RmsPropStep(0.01, 0.99, 1e-8, 0));
        assertNear(0.0025f, sq[0], "rmsprop sq = 0.01 * 0.25");
        assertNear(0.9f, p[0], "rmsprop: 1 - 0.01 * 0.5 / 0.05");

        float[] q = {1f};
        float[] sum = {0f};
        k.adagradUpdate(1, q, 0, new float[] {0.5f}, 0, sum, 0, new AdagradStep(0.1, 1e-10, 0));
        assertNear(0.9f, q[0], "adagrad step 1: 1 - 0.1 * 0.5 / 0.5");
        k.adagradUpdate(1, q, 0, new float[] {0.5f}, 0, sum, 0, new AdagradStep(0.1, 1e-10, 0));
        assertEquals(0.5f, sum[0], 0f, "adagrad sum after two steps");
        assertNear(0.8292893f, q[0], "adagrad step 2: 0.9 - 0.1 * 0.5 / sqrt(0.5)");

        float[] g = {0.5f};
        float[] ema = {0f};
        k.diagonalPreconditionInPlace(1, g, 0, ema, 0, 0.9, 1e-8);
        assertNear(0.025f, ema[0], "ema = 0.1 * 0.25");
        assertNear(3.1622777f, g[0], "0.5 / sqrt(0.025) = sqrt(10)");

        float[] y = {1f};
        k.emaInPlace(1, 0.25, new float[] {3f}, 0, y, 0);
        assertEquals(1.5f, y[0], 0f, "0.75 * 1 + 0.25 * 3");
    }

    /** {@code actual} is within 4 ulps of the hand-computed {@code expected}. */
    private static void assertNear(float expected, float actual, String label) {
        assertEquals(expected, actual, 4 * Math.ulp(expected), label);
    }

    /* Failures. */

    @Test
    void stepRecordsRejectOutOfRangeHyperParametersNamingThem() {
        assertRejects("lr", () -> new SgdStep(-0.1, 0));
        assertRejects("weightDecay", () -> new SgdStep(0.1, Float.NaN));
        assertRejects("momentum", () -> new MomentumStep(0.1, 0, 0, false, 0, true));
        assertRejects("dampening", () -> new MomentumStep(0.1, 0.9, 1.5, false, 0, true));
        assertRejects("Nesterov", () -> new MomentumStep(0.1, 0.9, 0.1, true, 0, true));
        assertRejects("beta1", () -> new AdamStep(0.1, 1, 0.999, 1e-8, 0, 1));
        assertRejects("beta2", () -> new AdamStep(0.1, 0.9, -0.1, 1e-8, 0, 1));
        assertRejects("eps", () -> new AdamStep(0.1, 0.9, 0.999, Double.POSITIVE_INFINITY, 0, 1));
        assertRejects("step", () -> new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, 0));
        assertRejects("alpha", () -> new RmsPropStep(0.1, 1.01, 1e-8, 0));
        assertRejects("lr", () -> new AdagradStep(Float.POSITIVE_INFINITY, 1e-10, 0));
    }

    private static void assertRejects(String name, Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().contains(name), () -> "message should name " + name + ": " + e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void kernelsRejectBadRangesAndScalarsWithoutWriting(Elementwise k) {
        float[] a = new float[10];
        float[] b = new float[10];
        float[] state = new float[10];
        AdamStep adam = new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, 1);
        assertRejects("element count", () -> k.axpy(-1, 1f, a, 0, b, 0));
        assertRejects("y", () -> k.axpy(8, 1f, a, 0, b, 3));
        assertRejects("x", () -> k.relu(4, a, -1, b, 0));
        assertRejects("vMax", () -> k.adamUpdate(10, a, 0, b, 0, state, 0, new float[10], 0, new float[9], 0, adam));
        assertRejects("x", () -> k.addRowBias(3, 4, a, 0, b, 0));
        assertRejects("dimensions", () -> k.columnSums(-2, 3, a, 0, b, 0, false));
        assertRejects("x", () -> k.rowSums(1 << 16, 1 << 16, a, 0, b, 0, false));
        assertRejects("rho", () -> k.diagonalPreconditionInPlace(10, a, 0, b, 0, 1, 1e-8));
        assertRejects("eps", () -> k.diagonalPreconditionInPlace(10, a, 0, b, 0, 0.9, 0));
        assertRejects("gamma", () -> k.emaInPlace(10, 1.5, a, 0, b, 0));
        float[] p = {1f, 2f, 3f};
        assertRejects("grad", () -> k.sgdUpdate(3, p, 0, new float[2], 0, new SgdStep(0.1, 0)));
        assertArrayEquals(new float[] {1f, 2f, 3f}, p, "a rejected update must not write");
        assertThrows(NullPointerException.class, () -> k.dot(1, null, 0, a, 0));
    }
}
