package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Pool2dGeometry;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finite-difference checks of every layer's input and parameter gradients, with the loss = softmax cross-entropy
 * of the layer's output flattened to {@code [N, outputSize]} logits.
 */
class LayerGradientTest {
    private static final double TOLERANCE = 1e-2;

    /** Runs the checks for one layer on input {@code x} and asserts each gradient within {@link #TOLERANCE}. */
    private static void assertGradientsMatch(Layer layer, Tensor x, long seed, double eps) {
        int n = x.dim(0);
        int k = layer.outputShape().size();
        int[] labels = GradientCheck.labels(new SplittableRandom(seed), n, k);
        CrossEntropyLoss loss = new CrossEntropyLoss();

        for (Parameter p : layer.parameters()) {
            p.grad().fillInPlace(0f);
        }
        Tensor y = layer.forward(x, Mode.TRAIN);
        loss.forward(y.reshape(n, k), labels);
        Tensor dx = layer.backward(loss.gradient().reshape(y.shape()), true);

        DoubleSupplier lossOf = () ->
                GradientCheck.crossEntropy(layer.forward(x, Mode.TRAIN).data(), n, k, labels);

        List<String> failures = new ArrayList<>();
        double inputError = GradientCheck.maxRelativeError(dx.data().clone(),
                GradientCheck.numericGradient(x.data(), lossOf, eps));
        if (!(inputError <= TOLERANCE)) {
            failures.add(layer.name() + " input gradient: max relative error " + inputError);
        }
        for (Parameter p : layer.parameters()) {
            double err = GradientCheck.maxRelativeError(p.grad().data().clone(),
                    GradientCheck.numericGradient(p.value().data(), lossOf, eps));
            if (!(err <= TOLERANCE)) {
                failures.add(p.name() + " gradient: max relative error " + err);
            }
        }
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    /** Parameters drawn uniformly from [-1, 1), so biases and BatchNorm scales are not at their trivial values. */
    private static void randomizeParameters(Layer layer, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : layer.parameters()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (2 * rng.nextDouble() - 1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("denseSizes")
    void denseGradientsMatchFiniteDifferences(int n, int in, int out) {
        Dense d = new Dense("dense", in, out, WeightInit.GLOROT_UNIFORM, Kernels.sequential());
        randomizeParameters(d, 11);
        assertGradientsMatch(d, GradientCheck.random(new SplittableRandom(12), n, in), 13, 1e-2);
    }

    static Stream<Arguments> denseSizes() {
        return Stream.of(Arguments.of(1, 1, 2), Arguments.of(3, 7, 9), Arguments.of(4, 9, 8), Arguments.of(2, 17, 5));
    }

    @ParameterizedTest
    @MethodSource("convGeometries")
    void conv2dGradientsMatchFiniteDifferences(Conv2dGeometry g, int n) {
        Conv2d c = new Conv2d("conv", g, WeightInit.HE_UNIFORM, Kernels.sequential());
        randomizeParameters(c, 21);
        assertGradientsMatch(c, GradientCheck.random(new SplittableRandom(22), n, g.channels(), g.height(),
                g.width()), 23, 1e-2);
    }

    static Stream<Arguments> convGeometries() {
        return Stream.of(
                Arguments.of(new Conv2dGeometry(1, 5, 5, 2, 3, 3, 1, 1, 0, 0), 2),
                Arguments.of(new Conv2dGeometry(2, 7, 6, 3, 3, 2, 2, 2, 1, 1), 2),
                Arguments.of(new Conv2dGeometry(3, 4, 4, 4, 1, 1, 1, 1, 0, 0), 3),
                Arguments.of(new Conv2dGeometry(2, 6, 6, 3, 5, 5, 1, 1, 2, 2), 1));
    }

    @Test
    void reluGradientMatchesFiniteDifferencesAwayFromTheKink() {
        Relu r = new Relu("relu", Shape.of(3, 4, 5), Kernels.sequential());
        Tensor x = GradientCheck.random(new SplittableRandom(31), 2, 3, 4, 5);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.copySign(0.1f + 0.9f * Math.abs(d[i]), d[i]);
        }
        assertGradientsMatch(r, x, 32, 1e-3);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void maxPoolGradientMatchesFiniteDifferencesWithDistinctValues(int stride) {
        MaxPool2d pool = new MaxPool2d("pool", new Pool2dGeometry(2, 5, 6, 2, stride), Kernels.sequential());
        Tensor x = Tensor.zeros(3, 2, 5, 6);
        float[] d = x.data();
        SplittableRandom rng = new SplittableRandom(41);
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.01f;
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        assertGradientsMatch(pool, x, 42, 1e-3);
    }

    @ParameterizedTest
    @MethodSource("batchNormShapes")
    void batchNormGradientsMatchFiniteDifferences(Shape shape, int n) {
        BatchNorm bn = new BatchNorm("bn", shape, 0.1f, 1e-5f);
        bn.initialize(0);
        randomizeParameters(bn, 51);
        assertGradientsMatch(bn, GradientCheck.random(new SplittableRandom(52), shape.withBatch(n)), 53, 1e-2);
    }

    static Stream<Arguments> batchNormShapes() {
        return Stream.of(Arguments.of(Shape.of(3, 2, 3), 2), Arguments.of(Shape.of(5), 4),
                Arguments.of(Shape.of(2, 2, 3), 1));
    }

    @Test
    void flattenGradientMatchesFiniteDifferences() {
        Flatten f = new Flatten("flatten", Shape.of(2, 3, 2));
        assertGradientsMatch(f, GradientCheck.random(new SplittableRandom(61), 3, 2, 3, 2), 62, 1e-2);
    }

    @Test
    void dropoutBackwardAppliesTheForwardMask() {
        float p = 0.3f;
        Dropout drop = new Dropout("dropout", Shape.of(50), p);
        drop.initialize(71);
        Tensor x = GradientCheck.random(new SplittableRandom(72), 4, 50);
        float[] xs = x.data().clone();
        Tensor y = drop.forward(x, Mode.TRAIN).copy();
        Tensor dy = GradientCheck.random(new SplittableRandom(73), 4, 50);
        float[] dx = drop.backward(dy, true).data();
        float scale = 1f / (1f - p);
        for (int i = 0; i < xs.length; i++) {
            boolean kept = y.data()[i] != 0f;
            assertEquals(kept ? xs[i] * scale : 0f, y.data()[i], 1e-6f, "output at " + i);
            assertEquals(kept ? dy.data()[i] * scale : 0f, dx[i], 1e-6f, "input gradient at " + i);
        }
    }

    @Test
    void parameterlessLayersSkipTheInputGradientWhenNotNeeded() {
        Relu r = new Relu("relu", Shape.of(4), Kernels.sequential());
        Tensor x = GradientCheck.random(new SplittableRandom(81), 2, 4);
        r.forward(x, Mode.TRAIN);
        assertNull(r.backward(Tensor.zeros(2, 4), false));
    }
}
