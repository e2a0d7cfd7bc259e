package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.KernelProvider;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference check of every parameter gradient of a whole small CNN (conv, batch norm, ReLU, max pool,
 * flatten, dense, 1-d batch norm) under softmax cross-entropy.
 *
 * <p>ReLU and max pooling are not differentiable at their switching points, and in a whole network a perturbation of
 * one weight moves every pre-activation of its channel, so a central difference occasionally straddles a switch.
 * The check records, for each evaluation, which ReLU inputs were positive and which element won each pooling window;
 * an element whose two perturbed evaluations switched anything is skipped (and the test requires that few are).
 */
class ModelGradientTest {
    private static final double TOLERANCE = 1e-2;
    private static final double EPS = 5e-3;

    private record Evaluation(double loss, long switches) {
    }

    private static Evaluation evaluate(Sequential model, Tensor x, int[] labels) {
        Tensor h = x;
        long switches = 17;
        for (Layer layer : model.layers()) {
            if (layer instanceof Relu) {
                for (float v : h.data()) {
                    switches = switches * 31 + (v > 0f ? 1 : 0);
                }
            } else if (layer instanceof MaxPool2d pool) {
                for (int winner : winners(pool, h)) {
                    switches = switches * 31 + winner;
                }
            }
            h = layer.forward(h, Mode.TRAIN);
        }
        return new Evaluation(GradientCheck.crossEntropy(h.data(), h.dim(0), h.dim(1), labels), switches);
    }

    /** Index of the largest element of every pooling window of {@code x}, computed directly. */
    private static int[] winners(MaxPool2d pool, Tensor x) {
        int planes = x.dim(0) * x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = pool.outputShape().dim(1);
        int ow = pool.outputShape().dim(2);
        int[] out = new int[planes * oh * ow];
        float[] d = x.data();
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = -1;
                    for (int a = 0; a < pool.geometry().kernel(); a++) {
                        for (int b = 0; b < pool.geometry().kernel(); b++) {
                            int idx = p * h * w + (i * pool.geometry().stride() + a) * w + j * pool.geometry().stride() + b;
                            if (best < 0 || d[idx] > d[best]) {
                                best = idx;
                            }
                        }
                    }
                    out[o++] = best;
                }
            }
        }
        return out;
    }

    static Stream<KernelProvider> providers() {
        return Stream.of(KernelProvider.get(), KernelProvider.scalar());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void everyParameterGradientOfASmallCnnMatchesFiniteDifferences(KernelProvider provider) {
        Sequential model = Sequential.builder(2, 6, 6)
                .conv2d(3, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .conv2d(4, 3, 1, 1).relu()
                .flatten()
                .dense(6).batchNorm().relu()
                .dense(3)
                .kernels(provider)
                .build(5);
        SplittableRandom rng = new SplittableRandom(6);
        for (Parameter p : model.parameters()) {
            if (p.name().startsWith("bn") || p.name().endsWith(".bias")) {
                float[] v = p.value().data();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.5 * (2 * rng.nextDouble() - 1));
                }
            }
        }
        Tensor x = GradientCheck.random(rng, 4, 2, 6, 6);
        int[] labels = GradientCheck.labels(rng, 4, 3);

        CrossEntropyLoss loss = new CrossEntropyLoss();
        model.zeroGrad();
        loss.forward(model.forward(x, Mode.TRAIN), labels);
        model.backward(loss.gradient());

        List<Parameter> params = model.parameters();
        List<double[]> numerics = new ArrayList<>();
        List<boolean[]> smooths = new ArrayList<>();
        double globalScale = 0;
        for (Parameter p : params) {
            float[] v = p.value().data();
            double[] numeric = new double[v.length];
            boolean[] smooth = new boolean[v.length];
            for (int i = 0; i < v.length; i++) {
                float original = v[i];
                float hi = (float) (original + EPS);
                float lo = (float) (original - EPS);
                v[i] = hi;
                Evaluation up = evaluate(model, x, labels);
                v[i] = lo;
                Evaluation down = evaluate(model, x, labels);
                v[i] = original;
                numeric[i] = (up.loss() - down.loss()) / ((double) hi - lo);
                smooth[i] = up.switches() == down.switches();
                globalScale = Math.max(globalScale, Math.abs(numeric[i]));
            }
            numerics.add(numeric);
            smooths.add(smooth);
        }

        List<String> failures = new ArrayList<>();
        int checked = 0;
        int skipped = 0;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] analytic = p.grad().data();
            double[] numeric = numerics.get(k);
            boolean[] smooth = smooths.get(k);
            // Judged against the whole model's gradient scale: biases feeding a batch norm have a true gradient of
            // zero, so their own scale would be pure float32 noise.
            double floor = 1e-2 * globalScale;
            double worst = 0;
            for (int i = 0; i < numeric.length; i++) {
                if (!smooth[i]) {
                    skipped++;
                    continue;
                }
                checked++;
                double denom = Math.max(floor, Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])));
                worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / denom);
            }
            if (!(worst <= TOLERANCE)) {
                failures.add(p.name() + ": max relative error " + worst);
            }
        }
        assertTrue(failures.isEmpty(), String.join("; ", failures));
        assertTrue(skipped <= checked / 10, "too many elements straddled a ReLU or pooling switch: " + skipped
                + " skipped, " + checked + " checked");
    }
}
