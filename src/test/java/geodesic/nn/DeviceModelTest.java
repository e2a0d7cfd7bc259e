package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Device;
import geodesic.kernel.Devices;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.Parallelism;
import geodesic.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model moved onto the CPU device computes the loss, gradients and steps its host layers compute; checked on a
 * small CNN (padded strided convolution, pooling) and an MLP at awkward batch sizes.
 */
class DeviceModelTest {

    private static Sequential cnn(long seed) {
        return Sequential.builder(2, 11, 9).conv2d(5, 3, 1, 1).relu().maxPool2d(2).conv2d(7, 3, 2, 1).relu()
                .flatten().dense(6).build(seed);
    }

    private static Sequential mlp(long seed) {
        return Sequential.builder(1, 5, 7).flatten().dense(33).relu().dense(4).build(seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 9})
    void cnnLossAndGradientsMatchHostLayers(int batch) {
        checkAgainstHost(() -> cnn(3), batch);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 33})
    void mlpLossAndGradientsMatchHostLayers(int batch) {
        checkAgainstHost(() -> mlp(4), batch);
    }

    @Test
    void momentumStepsTrackTheHostUpdateFormula() {
        Sequential host = mlp(5);
        int batch = 16;
        float[] x = random(batch * host.inputShape().size(), 8);
        int[] labels = labels(batch, host.outputShape().size());
        try (Device device = Devices.cpu(Parallelism.sequential());
             DeviceModel onDevice = DeviceModel.of(mlp(5), device, batch)) {
            Map<Parameter, float[]> momentum = new IdentityHashMap<>();
            double first = 0, last = 0;
            for (int step = 0; step < 20; step++) {
                double loss = onDevice.trainStep(x, labels, batch,
                        new MomentumStep(0.1, 0.9, 0, false, 0, step == 0));
                first = step == 0 ? loss : first;
                last = loss;
                hostMomentumStep(host, x, labels, batch, step == 0, momentum);
            }
            assertTrue(last < first, "loss should fall on a fixed batch: " + first + " -> " + last);
            Sequential back = mlp(99);
            onDevice.copyParametersTo(back);
            for (int i = 0; i < host.parameters().size(); i++) {
                assertClose(host.parameters().get(i).value().data(), back.parameters().get(i).value().data(),
                        1e-4, host.parameters().get(i).name());
            }
        }
    }

    @Test
    void predictMatchesHostForwardAndUnsupportedLayersAreNamed() {
        Sequential host = cnn(6);
        int batch = 5;
        float[] x = random(batch * host.inputShape().size(), 2);
        float[] expected = host.predict(Tensor.wrap(x.clone(), host.inputShape().withBatch(batch))).data();
        float[] got = new float[batch * host.outputShape().size()];
        try (Device device = Devices.cpu(Parallelism.sequential());
             DeviceModel onDevice = DeviceModel.of(host, device, 8)) {
            onDevice.predict(x, batch, got);
            assertClose(expected, got, 1e-5, "logits");
            assertThrows(IllegalArgumentException.class, () -> onDevice.predict(x, 9, got));
            Sequential withDropout = Sequential.builder(4).dense(3).dropout(0.5f).dense(2).build(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeviceModel.of(withDropout, device, 4));
            assertTrue(e.getMessage().contains("Dropout"), e.getMessage());
        }
    }

    private static void checkAgainstHost(Supplier<Sequential> build, int batch) {
        Sequential host = build.get();
        float[] x = random(batch * host.inputShape().size(), batch);
        int[] labels = labels(batch, host.outputShape().size());
        host.zeroGrad();
        CrossEntropyLoss loss = new CrossEntropyLoss();
        double hostLoss = loss.forward(host.forward(Tensor.wrap(x.clone(), host.inputShape().withBatch(batch)),
                Mode.TRAIN), labels);
        host.backward(loss.gradient());
        Sequential copy = build.get();
        try (Device device = Devices.cpu(KernelProvider.get(), Parallelism.sequential());
             DeviceModel onDevice = DeviceModel.of(build.get(), device, batch + 3)) {
            double deviceLoss = onDevice.forwardBackward(x, labels, batch);
            assertEquals(hostLoss, deviceLoss, 1e-6 * Math.max(1, hostLoss), "loss");
            onDevice.copyGradientsTo(copy);
        }
        List<Parameter> expected = host.parameters(), got = copy.parameters();
        for (int i = 0; i < expected.size(); i++) {
            assertClose(expected.get(i).grad().data(), got.get(i).grad().data(), 1e-4, expected.get(i).name());
        }
    }

    private static void hostMomentumStep(Sequential host, float[] x, int[] labels, int batch, boolean first,
                                         Map<Parameter, float[]> momentum) {
        host.zeroGrad();
        CrossEntropyLoss loss = new CrossEntropyLoss();
        loss.forward(host.forward(Tensor.wrap(x.clone(), host.inputShape().withBatch(batch)), Mode.TRAIN), labels);
        host.backward(loss.gradient());
        MomentumStep step = new MomentumStep(0.1, 0.9, 0, false, 0, first);
        for (Parameter p : host.parameters()) {
            float[] buf = momentum.computeIfAbsent(p, k -> new float[p.size()]);
            KernelProvider.scalar().elementwise().momentumUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0,
                    buf, 0, step);
        }
    }

    private static int[] labels(int batch, int classes) {
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 5 + 1) % classes;
        }
        return labels;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Max of |a - b| / max(|a|, scale of the array / 100): gradients near zero are compared absolutely. */
    private static void assertClose(float[] expected, float[] got, double tol, String what) {
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - got[i]) / Math.max(Math.abs(expected[i]), scale / 100 + 1e-30));
        }
        assertTrue(worst <= tol, what + ": max relative error " + worst + " > " + tol);
    }
}
