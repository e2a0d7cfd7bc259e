package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SequentialTest {

    private static Sequential smallCnn(long seed) {
        return Sequential.builder(2, 8, 8)
                .conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .flatten().dropout(0.25f)
                .dense(5)
                .build(seed);
    }

    private static void trainingStep(Model m, Tensor x, int[] labels) {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        loss.forward(m.forward(x, Mode.TRAIN), labels);
        m.backward(loss.gradient());
    }

    @Test
    void layerRejectsWrongInputNamingItselfAndBothShapes() {
        Sequential m = Architectures.referenceCnn().build(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.layers().get(3).forward(Tensor.zeros(128, 1, 28, 28), Mode.TRAIN));
        assertEquals("conv2 input: expected [N, 32, 14, 14] but got [128, 1, 28, 28]", e.getMessage());
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                () -> m.predict(Tensor.zeros(4, 3, 32, 32)));
        assertEquals("conv1 input: expected [N, 1, 28, 28] but got [4, 3, 32, 32]", first.getMessage());
    }

    @Test
    void backwardRejectsAGradientOfTheWrongShapeAndBackwardBeforeForward() {
        Sequential m = Architectures.mlp().build(1);
        IllegalStateException early = assertThrows(IllegalStateException.class,
                () -> m.backward(Tensor.zeros(2, 10)));
        assertTrue(early.getMessage().contains("before any training forward"), early.getMessage());
        m.forward(Tensor.zeros(3, 1, 28, 28), Mode.TRAIN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.backward(Tensor.zeros(2, 10)));
        assertEquals("dense3 output gradient: expected [3, 10] (the last training output) but got [2, 10]",
                e.getMessage());
    }

    @Test
    void builderRejectsLayersThatDoNotFitTheCurrentShape() {
        assertMessage(() -> Sequential.builder(1, 28, 28).dense(10),
                "dense1: dense needs a flat input [N, features] but gets [N, 1, 28, 28]; add flatten() before it");
        assertMessage(() -> Sequential.builder(784).conv2d(8, 3),
                "conv1: conv2d needs an image input [N, C, H, W] but gets [N, 784]");
        assertMessage(() -> Sequential.builder(1, 4, 4).conv2d(8, 3, 1, 1).maxPool2d(5),
                "pool1 on input [N, 8, 4, 4]: pooling window 5x5 is larger than input 4x4");
        assertMessage(() -> Sequential.builder(1, 4, 4).conv2d(8, 7),
                "conv1 on input [N, 1, 4, 4]: kernel 7x7 does not fit input 4x4 padded by 0x0: output would be"
                        + " empty");
        assertMessage(() -> Sequential.builder(10).dropout(1f), "dropout1: dropout probability must be in [0, 1),"
                + " got 1.0");
        assertMessage(() -> Sequential.builder(3, 4).batchNorm(),
                "bn1: batch norm needs [N, C, H, W] or [N, F] but gets [N, 3, 4]");
        assertThrows(IllegalStateException.class, () -> Sequential.builder(3).build(0));
    }

    private static void assertMessage(Supplier<?> call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        assertEquals(message, e.getMessage());
    }

    @Test
    void sameSeedGivesIdenticalParametersAndDifferentSeedsDiffer() {
        Sequential a = smallCnn(42);
        Sequential b = smallCnn(42);
        Sequential c = smallCnn(43);
        for (int i = 0; i < a.parameters().size(); i++) {
            Parameter pa = a.parameters().get(i);
            assertArrayEquals(pa.value().data(), b.parameters().get(i).value().data(), pa.name());
        }
        assertFalse(Arrays.equals(a.parameters().get(0).value().data(),
                c.parameters().get(0).value().data()), "conv1.weight is the same for seeds 42 and 43");
        assertFalse(Arrays.equals(a.parameters().get(4).value().data(),
                c.parameters().get(4).value().data()), "dense1.weight is the same for seeds 42 and 43");
    }

    @Test
    void initializeRestoresTheBuiltStateBitwiseIncludingDropoutMasks() {
        Tensor x = GradientCheck.random(new SplittableRandom(1), 3, 2, 8, 8);
        int[] labels = {0, 4, 2};
        Sequential m = smallCnn(7);
        float[] first = m.forward(x, Mode.TRAIN).data().clone();
        trainingStep(m, x, labels);
        for (Parameter p : m.parameters()) {
            p.value().data()[0] += 1f;
        }
        m.initialize(7);
        for (Parameter p : m.parameters()) {
            assertTrue(p.grad().data()[0] == 0f, p.name() + " gradient not cleared");
        }
        assertArrayEquals(new float[] {0, 0, 0, 0}, m.buffers().get("bn1.runningMean").data());
        assertArrayEquals(new float[] {1, 1, 1, 1}, m.buffers().get("bn1.runningVar").data());
        assertArrayEquals(first, m.forward(x, Mode.TRAIN).data());
    }

    @Test
    void heInitFeedsReluLayersAndGlorotTheRest() {
        Sequential m = Sequential.builder(2, 8, 8)
                .conv2d(4, 3).batchNorm().relu().maxPool2d(2)
                .conv2d(4, 3).maxPool2d(1).relu()
                .flatten().dense(6).dropout(0.1f).relu()
                .dense(3).build(0);
        List<WeightInit> inits = m.layers().stream()
                .map(l -> l instanceof Conv2d c ? c.weightInit() : l instanceof Dense d ? d.weightInit() : null)
                .filter(Objects::nonNull).toList();
        assertEquals(List.of(WeightInit.HE_UNIFORM, WeightInit.HE_UNIFORM, WeightInit.HE_UNIFORM,
                WeightInit.GLOROT_UNIFORM), inits);
        float bound = (float) Math.sqrt(6.0 / (2 * 9));
        float max = 0;
        for (float v : m.parameters().get(0).value().data()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.5f * bound, "conv1 weights within He bound " + bound + ", max " + max);
        for (float v : m.parameters().get(1).value().data()) {
            assertEquals(0f, v, "conv1 bias starts at zero");
        }
    }

    @Test
    void summaryListsEveryLayerWithOutputShapeAndParameterCount() {
        String s = Architectures.referenceCnn().build(0).summary();
        String[] lines = s.split("\n");
        assertEquals(13, lines.length, s);
        assertTrue(lines[0].matches("Layer\\s+Type\\s+Output shape\\s+Params"), lines[0]);
        assertTrue(lines[1].matches("input\\s+\\[N, 1, 28, 28]\\s*"), lines[1]);
        assertTrue(lines[2].matches("conv1\\s+Conv2d\\s+\\[N, 32, 28, 28]\\s+832"), lines[2]);
        assertTrue(lines[4].matches("pool1\\s+MaxPool2d\\s+\\[N, 32, 14, 14]\\s+0"), lines[4]);
        assertTrue(lines[5].matches("conv2\\s+Conv2d\\s+\\[N, 64, 14, 14]\\s+51,264"), lines[5]);
        assertTrue(lines[8].matches("flatten1\\s+Flatten\\s+\\[N, 3136]\\s+0"), lines[8]);
        assertTrue(lines[9].matches("dense1\\s+Dense\\s+\\[N, 256]\\s+803,072"), lines[9]);
        assertTrue(lines[11].matches("dense2\\s+Dense\\s+\\[N, 10]\\s+2,570"), lines[11]);
        assertEquals("Total parameters: 857,738", lines[12]);
    }

    @Test
    void backwardAccumulatesUntilZeroGrad() {
        Sequential m = Architectures.mlp().build(3);
        Tensor x = GradientCheck.random(new SplittableRandom(4), 2, 1, 28, 28);
        int[] labels = {1, 9};
        trainingStep(m, x, labels);
        float[] once = m.parameters().get(0).grad().data().clone();
        trainingStep(m, x, labels);
        float[] twice = m.parameters().get(0).grad().data();
        float scale = 0;
        for (float v : once) {
            scale = Math.max(scale, Math.abs(v));
        }
        // A GEMM may add into C in another order than it formed C, so compare on the gradient's overall scale.
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5f * scale, "element " + i);
        }
        m.zeroGrad();
        for (Parameter p : m.parameters()) {
            for (float v : p.grad().data()) {
                assertEquals(0f, v, p.name());
            }
        }
    }

    @Test
    void trainingReusesItsBuffersWhileTheBatchSizeStaysTheSame() {
        Sequential m = smallCnn(5);
        Tensor x = GradientCheck.random(new SplittableRandom(6), 3, 2, 8, 8);
        Tensor y1 = m.forward(x, Mode.TRAIN);
        Tensor y2 = m.forward(GradientCheck.random(new SplittableRandom(7), 3, 2, 8, 8), Mode.TRAIN);
        assertSame(y1, y2, "same batch size: same output buffer");
        Tensor y3 = m.forward(GradientCheck.random(new SplittableRandom(8), 5, 2, 8, 8), Mode.TRAIN);
        assertArrayEquals(new int[] {5, 5}, y3.shape(), "new batch size: reallocated");
    }

    @Test
    void predictAllocatesAndLeavesTheTrainingOutputAlone() {
        Sequential m = smallCnn(9);
        Tensor x = GradientCheck.random(new SplittableRandom(10), 3, 2, 8, 8);
        Tensor train = m.forward(x, Mode.TRAIN);
        float[] before = train.data().clone();
        Tensor p1 = m.predict(x);
        Tensor p2 = m.predict(x);
        assertNotSame(p1, p2);
        assertNotSame(train.data(), p1.data());
        assertArrayEquals(p1.data(), p2.data());
        assertArrayEquals(before, train.data(), "predict wrote into the training output");
        Sequential identity = Sequential.builder(2, 3).flatten().build(0);
        Tensor in = Tensor.zeros(4, 2, 3);
        assertNotSame(in.data(), identity.predict(in).data(), "predict must not return a view of its input");
    }

    @Test
    void trainAndEvalAgreeWithoutBatchNormOrDropout() {
        Sequential m = Architectures.referenceCnn().build(11);
        Tensor x = GradientCheck.random(new SplittableRandom(12), 3, 1, 28, 28);
        assertArrayEquals(m.forward(x, Mode.TRAIN).data(), m.predict(x).data());
    }

    @Test
    void trainingIsBitwiseReproducibleForAnyKernelThreadCount() {
        Tensor x = GradientCheck.random(new SplittableRandom(13), 4, 2, 8, 8);
        int[] labels = {0, 1, 2, 3};
        try (Parallelism two = Parallelism.of(2)) {
            Sequential a = smallCnn(14);
            Sequential b = Sequential.builder(2, 8, 8)
                    .conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                    .flatten().dropout(0.25f)
                    .dense(5)
                    .parallelism(two)
                    .build(14);
            for (int step = 0; step < 2; step++) {
                for (Sequential m : List.of(a, b)) {
                    m.zeroGrad();
                    trainingStep(m, x, labels);
                    for (Parameter p : m.parameters()) {
                        for (int i = 0; i < p.size(); i++) {
                            p.value().data()[i] -= 0.1f * p.grad().data()[i];
                        }
                    }
                }
            }
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).value().data(), b.parameters().get(i).value().data(),
                        a.parameters().get(i).name());
            }
        }
    }

    @Test
    void plainSgdStepsFitAFixedBatch() {
        Sequential m = smallCnn(15);
        Tensor x = GradientCheck.random(new SplittableRandom(16), 8, 2, 8, 8);
        int[] labels = GradientCheck.labels(new SplittableRandom(17), 8, 5);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 40; step++) {
            m.zeroGrad();
            last = loss.forward(m.forward(x, Mode.TRAIN), labels);
            if (step == 0) {
                first = last;
            }
            m.backward(loss.gradient());
            for (Parameter p : m.parameters()) {
                for (int i = 0; i < p.size(); i++) {
                    p.value().data()[i] -= 0.2f * p.grad().data()[i];
                }
            }
        }
        double evalLoss = CrossEntropyLoss.loss(m.predict(x), labels);
        assertTrue(last < 0.3 * first && evalLoss < first, "training loss " + first + " -> " + last
                + ", eval loss " + evalLoss);
    }

    @Test
    void buffersAndParametersAreNamedByLayer() {
        Sequential m = smallCnn(0);
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "dense1.weight", "dense1.bias"),
                m.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("bn1.runningMean", "bn1.runningVar"), List.copyOf(m.buffers().keySet()));
        assertEquals(72 + 4 + 8 + 64 * 5 + 5, m.parameterCount());
    }
}
