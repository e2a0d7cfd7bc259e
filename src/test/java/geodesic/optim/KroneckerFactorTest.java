package geodesic.optim;

import static geodesic.optim.PreconditionerReference.ema;
import static geodesic.optim.PreconditionerReference.gradientStatistic;
import static geodesic.optim.PreconditionerReference.inputStatistic;
import static geodesic.optim.PreconditionerReference.random;
import static geodesic.optim.PreconditionerReference.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Mode;
import geodesic.nn.Sequential;
import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Factor statistics, their EMA and the scaling convention, against float64 computations. */
class KroneckerFactorTest {
    private static final KroneckerSettings SETTINGS = KroneckerSettings.defaults().withGamma(0.3)
            .withConvSampleFraction(1);

    /** Float32 sums over {@code rows} terms: the tolerance grows with the reduction length. */
    private static double tolerance(int rows) {
        return 2e-6 * Math.sqrt(rows) + 1e-6;
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "7, 9, 8", "33, 1, 31", "9, 33, 7", "31, 8, 129"})
    void denseFactorEmaMatchesFloat64Reference(int in, int out, int n) {
        KroneckerFactor f = new KroneckerFactor("dense", in, out, 1, SETTINGS, Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(in * 1000L + out * 10L + n);
        double[] a = new double[(in + 1) * (in + 1)];
        double[] b = new double[out * out];
        for (int step = 1; step <= 3; step++) {
            Tensor x = random(r, 1, n, in);
            Tensor g = random(r, 1.0 / n, n, out, 1);
            f.observe(x, g, n, step, true);
            ema(a, inputStatistic(x.data(), in, 0, n), 0.3, step == 1);
            ema(b, gradientStatistic(g.data(), n, out, 1, 0, n), 0.3, step == 1);
        }
        double errA = relativeError(f.factorA(), a);
        double errB = relativeError(f.factorB(), b);
        assertTrue(errA < tolerance(n), "A max relative error " + errA);
        assertTrue(errB < tolerance(n), "B max relative error " + errB);
        assertEquals(3, f.factorUpdates());
    }

    @Test
    void factorsChangeOnlyEveryFactorInterval() {
        KroneckerSettings every3 = SETTINGS.withFactorInterval(3);
        KroneckerFactor f = new KroneckerFactor("dense", 5, 4, 1, every3, Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(5);
        double[] a = new double[36];
        for (int step = 1; step <= 7; step++) {
            Tensor x = random(r, 1, 9, 5);
            f.observe(x, random(r, 0.1, 9, 4, 1), 9, step, every3.updatesFactorsAt(step));
            if (every3.updatesFactorsAt(step)) {
                ema(a, inputStatistic(x.data(), 5, 0, 9), 0.3, step == 1);
            }
        }
        assertEquals(3, f.factorUpdates(), "steps 1, 4 and 7 update the factors");
        double err = relativeError(f.factorA(), a);
        assertTrue(err < tolerance(9), "A max relative error " + err);
    }

    /**
     * The convention: A averages {@code [a; 1][a; 1]^T} over examples and positions, B sums {@code (N g)(N g)^T}
     * over positions and averages over examples, read from a real convolution.
     */
    @ParameterizedTest
    @CsvSource({"1, 7, 7, 3, 3, 1, 5", "3, 9, 8, 5, 3, 1, 2", "2, 6, 6, 4, 1, 0, 3"})
    void convFactorsFollowTheScalingConvention(int channels, int h, int w, int outChannels, int kernel,
                                               int padding, int n) {
        Sequential net = Sequential.builder(channels, h, w).conv2d(outChannels, kernel, 1, padding).build(3);
        KroneckerFactorSource conv = net.kroneckerFactorSources().get(0);
        conv.setKroneckerCapture(true);
        KroneckerFactor f = KroneckerFactor.forLayer(conv, SETTINGS, Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(h * 31L + n);
        double[] a = new double[(conv.inputDim() + 1) * (conv.inputDim() + 1)];
        double[] b = new double[outChannels * outChannels];
        int positions = conv.positions();
        for (int step = 1; step <= 2; step++) {
            Tensor y = net.forward(random(r, 1, n, channels, h, w), Mode.TRAIN);
            net.backward(random(r, 1.0 / n, y.shape()));
            f.observe(conv, step, true);
            ema(a, inputStatistic(conv.inputs().data(), conv.inputDim(), 0, n * positions), 0.3, step == 1);
            ema(b, gradientStatistic(conv.outputGradients().data(), n, outChannels, positions, 0, n), 0.3,
                    step == 1);
        }
        double errA = relativeError(f.factorA(), a);
        double errB = relativeError(f.factorB(), b);
        assertTrue(errA < tolerance(n * positions), "A max relative error " + errA);
        assertTrue(errB < tolerance(n * positions), "B max relative error " + errB);
    }

    /**
     * Why B sums over positions: a 1x1 convolution over images that are constant in space, whose output gradient
     * is non-zero at one position per example, has exactly the per-example gradients of a Dense layer on the
     * pixel vector, so its factors must equal that Dense layer's. Averaging B over positions would make them P
     * times smaller.
     */
    @Test
    void convFactorsEqualDenseFactorsWhenOnePositionCarriesEachGradient() {
        int n = 6;
        int channels = 4;
        int out = 3;
        int side = 5;
        int positions = side * side;
        SplittableRandom r = new SplittableRandom(17);
        Tensor pixels = random(r, 1, n, channels);
        Tensor dense = random(r, 1.0 / n, n, out);
        Tensor images = Tensor.zeros(n, channels, side, side);
        Tensor convGradients = Tensor.zeros(n, out, side, side);
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < positions; p++) {
                    images.data()[(e * channels + c) * positions + p] = pixels.data()[e * channels + c];
                }
            }
            int hot = r.nextInt(positions);
            for (int o = 0; o < out; o++) {
                convGradients.data()[(e * out + o) * positions + hot] = dense.data()[e * out + o];
            }
        }
        Sequential net = Sequential.builder(channels, side, side).conv2d(out, 1, 1, 0).build(1);
        KroneckerFactorSource conv = net.kroneckerFactorSources().get(0);
        conv.setKroneckerCapture(true);
        net.forward(images, Mode.TRAIN);
        net.backward(convGradients);
        KroneckerFactor convFactor = KroneckerFactor.forLayer(conv, SETTINGS, Parallelism.sequential());
        convFactor.observe(conv, 1, true);
        KroneckerFactor denseFactor = new KroneckerFactor("dense", channels, out, 1, SETTINGS,
                Parallelism.sequential());
        denseFactor.observe(pixels, dense.reshape(n, out, 1), n, 1, true);

        double errA = relativeError(convFactor.factorA(), PreconditionerReference.wide(denseFactor.factorA()));
        double errB = relativeError(convFactor.factorB(), PreconditionerReference.wide(denseFactor.factorB()));
        assertTrue(errA < tolerance(n * positions), "A max relative error " + errA);
        assertTrue(errB < tolerance(n * positions), "B max relative error " + errB);
    }

    /** With a sample fraction, the factors are those of one contiguous block of examples. */
    @Test
    void sampledConvFactorsComeFromOneContiguousBlockOfExamples() {
        int n = 10;
        Sequential net = Sequential.builder(2, 6, 6).conv2d(3, 3, 1, 1).build(3);
        KroneckerFactorSource conv = net.kroneckerFactorSources().get(0);
        conv.setKroneckerCapture(true);
        KroneckerFactor f = KroneckerFactor.forLayer(conv, SETTINGS.withConvSampleFraction(0.25),
                Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(4);
        Tensor y = net.forward(random(r, 1, n, 2, 6, 6), Mode.TRAIN);
        net.backward(random(r, 0.1, y.shape()));
        f.observe(conv, 5, true);
        int used = 3;
        int positions = conv.positions();
        double best = Double.POSITIVE_INFINITY;
        for (int first = 0; first + used <= n; first++) {
            double err = relativeError(f.factorA(), inputStatistic(conv.inputs().data(), conv.inputDim(),
                    first * positions, used * positions))
                    + relativeError(f.factorB(), gradientStatistic(conv.outputGradients().data(), n, 3, positions,
                    first, used));
            best = Math.min(best, err);
        }
        assertTrue(best < 2 * tolerance(used * positions), "no block of " + used + " examples matches the factors;"
                + " best combined relative error " + best);
    }

    @Test
    void nonFiniteInputsThrowNamingLayerStepAndQuantity() {
        KroneckerFactor f = new KroneckerFactor("fc7", 3, 2, 1, SETTINGS, Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(1);
        Tensor x = random(r, 1, 4, 3);
        x.data()[5] = Float.NaN;
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> f.observe(x, random(r, 0.1, 4, 2, 1), 4, 12, true));
        assertTrue(e.getMessage().contains("fc7") && e.getMessage().contains("step 12")
                && e.getMessage().contains("inputs"), e.getMessage());

        Tensor g = random(r, 0.1, 4, 2, 1);
        g.data()[1] = Float.POSITIVE_INFINITY;
        ArithmeticException e2 = assertThrows(ArithmeticException.class,
                () -> f.observe(random(r, 1, 4, 3), g, 4, 13, true));
        assertTrue(e2.getMessage().contains("fc7") && e2.getMessage().contains("step 13")
                && e2.getMessage().contains("output gradients"), e2.getMessage());
    }

    @Test
    void overflowingFactorThrowsNamingTheFactor() {
        KroneckerFactor f = new KroneckerFactor("conv3", 2, 2, 1, SETTINGS, Parallelism.sequential());
        Tensor x = Tensor.wrap(new float[] {3e19f, 1f}, 1, 2);
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> f.observe(x, Tensor.wrap(new float[] {0.1f, 0.2f}, 1, 2, 1), 1, 4, true));
        assertTrue(e.getMessage().contains("conv3") && e.getMessage().contains("step 4"), e.getMessage());
    }

    @Test
    void mismatchedShapesAreRejectedWithBothShapes() {
        KroneckerFactor f = new KroneckerFactor("fc1", 3, 2, 1, SETTINGS, Parallelism.sequential());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.observe(Tensor.zeros(4, 5), Tensor.zeros(4, 2, 1), 4, 1, true));
        assertTrue(e.getMessage().contains("fc1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KroneckerFactor("x", 0, 2, 1, SETTINGS,
                Parallelism.sequential()));
        assertThrows(IllegalStateException.class, () -> f.computeRoots(
                geodesic.linalg.SymmetricEigensolver.pureJava(), 1), "roots need statistics first");
    }
}
