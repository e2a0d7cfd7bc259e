package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.Dataset;
import geodesic.data.SeededOrder;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Layer;
import geodesic.nn.Mode;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import geodesic.nn.Sequential;
import geodesic.nn.Shape;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.optim.Sgd;
import geodesic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonFinitePolicyTest {
    private static final Dataset TRAIN = Fixtures.blobs(96, 5);

    @TempDir
    Path dir;

    /** Records steps, skips and the parameters at the last step, to check a skip changes nothing. */
    private static final class Recorder implements TrainingListener {
        final Model model;
        final List<NonFiniteEvent> skips = new ArrayList<>();
        long lastStep;
        float[][] lastParameters;
        boolean skipChangedSomething;

        Recorder(Model model) {
            this.model = model;
        }

        @Override
        public void onStep(StepMetrics s) {
            lastStep = s.globalStep();
            lastParameters = copy(model);
        }

        @Override
        public void onNonFinite(NonFiniteEvent e) {
            skips.add(e);
            float[][] now = copy(model);
            for (int i = 0; lastParameters != null && i < now.length; i++) {
                skipChangedSomething |= !java.util.Arrays.equals(now[i], lastParameters[i]);
            }
        }

        static float[][] copy(Model m) {
            return m.parameters().stream().map(p -> p.value().data().clone()).toArray(float[][]::new);
        }
    }

    @Test
    void divergingLearningRateStopsAtTheFirstNonFiniteStepNamingItUnderTheStopPolicy() {
        Sequential m = Fixtures.mlp(1);
        Recorder r = new Recorder(m);
        Trainer t = Trainer.builder(m, Sgd.withMomentum(m.parameters(), 1e30, 0.9)).epochs(3).batchSize(8)
                .listener(r).build();

        NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.fit(TRAIN, null, null));

        NonFiniteEvent ev = e.event();
        assertEquals(r.lastStep + 1, ev.step(), "detected at the first step that is not finite: " + e.getMessage());
        assertEquals(NonFiniteEvent.Quantity.LOSS, ev.quantity(), e.getMessage());
        assertTrue(e.getMessage().startsWith("non-finite loss ") && e.getMessage().contains(" at step " + ev.step()
                + " (epoch " + ev.epoch() + ", batch " + ev.batch() + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
        assertTrue(r.skips.isEmpty());
    }

    @Test
    void divergingLearningRateIsSkippedAndCountedUntilTooManyInARowUnderTheSkipPolicy() {
        Sequential m = Fixtures.mlp(1);
        Recorder r = new Recorder(m);
        Trainer t = Trainer.builder(m, Sgd.withMomentum(m.parameters(), 1e30, 0.9)).epochs(3).batchSize(8)
                .nonFinitePolicy(NonFinitePolicy.skip(4)).listener(r).build();

        NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.fit(TRAIN, null, null));

        assertEquals(4, r.skips.size(), "skipped batches before giving up");
        for (int i = 0; i < 4; i++) {
            NonFiniteEvent s = r.skips.get(i);
            assertEquals(r.lastStep + 1, s.step(), "a skipped batch does not advance the step counter");
            assertEquals(r.skips.getFirst().batch() + i, s.batch() + 12 * (s.epoch() - r.skips.getFirst().epoch()));
        }
        assertTrue(!r.skipChangedSomething, "a skipped batch must leave the parameters as they were");
        assertTrue(e.getMessage().contains("5 batches in a row were not finite (policy skip(maxConsecutive=4))"),
                e.getMessage());
        assertEquals(r.lastStep + 1, e.event().step());
    }

    @Test
    void poisonedExamplesAreSkippedCountedAndCheckpointedWhileTrainingCompletes() throws IOException {
        float[] pixels = TRAIN.pixels().clone();
        int[] poisoned = {7, 50};
        for (int i : poisoned) {
            pixels[i * TRAIN.exampleSize() + 3] = Float.NaN;
        }
        Dataset data = Dataset.of("poisoned", "test", 3, 1, 6, 6, pixels, TRAIN.labels());
        int epochs = 2;
        int batch = 8;
        long seed = 4;
        Set<String> expected = new HashSet<>();
        int[] order = new int[data.size()];
        for (int e = 0; e < epochs; e++) {
            SeededOrder.epochPermutationInPlace(order, seed, e);
            for (int pos = 0; pos < order.length; pos++) {
                for (int p : poisoned) {
                    if (order[pos] == p) {
                        expected.add((e + 1) + "/" + pos / batch);
                    }
                }
            }
        }
        Sequential m = Fixtures.mlp(1);
        Recorder r = new Recorder(m);
        CheckpointDirectory checkpoints = CheckpointDirectory.open(dir, 1);

        TrainingResult result = Trainer.builder(m, Sgd.withMomentum(m.parameters(), 0.05, 0.9)).epochs(epochs)
                .batchSize(batch).seed(seed).nonFinitePolicy(NonFinitePolicy.skip(1)).listener(r)
                .checkpoints(CheckpointListener.every(checkpoints, 0, 1, "")).build().fit(data, null, null);

        Set<String> skipped = new HashSet<>();
        for (NonFiniteEvent e : r.skips) {
            skipped.add(e.epoch() + "/" + e.batch());
            assertEquals(NonFiniteEvent.Quantity.LOSS, e.quantity());
        }
        assertEquals(expected, skipped, "exactly the batches holding a poisoned example are skipped");
        assertTrue(!r.skipChangedSomething);
        assertEquals(epochs, result.epochs().size());
        TrainingProgress end = checkpoints.latest().orElseThrow().checkpoint().progress();
        assertEquals(expected.size(), end.skippedSteps());
        assertEquals(epochs * 12L - expected.size(), end.globalStep());
        assertTrue(Double.isFinite(result.last().trainLoss()), result.last().toString());
    }

    @Test
    void aNonFiniteGradientIsNamedWithItsParameterAndStep() {
        Sequential inner = Fixtures.mlp(1);
        Model m = new GradientPoisoner(inner, 5, "dense2.weight", 17);

        NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.builder(m,
                Sgd.plain(m.parameters(), 0.05)).batchSize(8).build().fit(TRAIN, null, null));

        assertEquals(new NonFiniteEvent(1, 4, 5, NonFiniteEvent.Quantity.GRADIENT, "dense2.weight[17]",
                Float.POSITIVE_INFINITY), e.event());
        assertTrue(e.getMessage().startsWith("non-finite gradient Infinity in dense2.weight[17] at step 5 (epoch 1, "
                + "batch 4)"), e.getMessage());
    }

    @Test
    void troubleInsideTheOptimizerStopsTrainingEvenUnderTheSkipPolicy() {
        Sequential m = Fixtures.mlp(1);
        Optimizer failing = new FailingOptimizer(Sgd.plain(m.parameters(), 0.05), 3);

        NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.builder(m, failing).batchSize(8)
                .nonFinitePolicy(NonFinitePolicy.skip(100)).build().fit(TRAIN, null, null));

        assertEquals(NonFiniteEvent.Quantity.OPTIMIZER_STATE, e.event().quantity());
        assertEquals(3, e.event().step());
        assertTrue(e.getMessage().contains("factor A of dense1 is NaN"), e.getMessage());
        assertInstanceOf(ArithmeticException.class, e.getCause());
    }

    @Test
    void skipNeedsAPositiveLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NonFinitePolicy.skip(0));
        assertTrue(e.getMessage().contains("maxConsecutive must be >= 1, got 0"), e.getMessage());
    }

    /** A model that sets one gradient element to infinity after the backward of the n-th step. */
    private static final class GradientPoisoner implements Model {
        private final Model inner;
        private final int atCall;
        private final String parameter;
        private final int index;
        private int calls;

        GradientPoisoner(Model inner, int atCall, String parameter, int index) {
            this.inner = inner;
            this.atCall = atCall;
            this.parameter = parameter;
            this.index = index;
        }

        @Override
        public void backward(Tensor outputGradient) {
            inner.backward(outputGradient);
            if (++calls == atCall) {
                for (Parameter p : inner.parameters()) {
                    if (p.name().equals(parameter)) {
                        p.grad().data()[index] = Float.POSITIVE_INFINITY;
                    }
                }
            }
        }

        @Override
        public Shape inputShape() {
            return inner.inputShape();
        }

        @Override
        public Shape outputShape() {
            return inner.outputShape();
        }

        @Override
        public Tensor forward(Tensor x, Mode mode) {
            return inner.forward(x, mode);
        }

        @Override
        public Tensor predict(Tensor x) {
            return inner.predict(x);
        }

        @Override
        public List<Layer> layers() {
            return inner.layers();
        }

        @Override
        public List<Parameter> parameters() {
            return inner.parameters();
        }

        @Override
        public Map<String, Tensor> buffers() {
            return inner.buffers();
        }

        @Override
        public List<KroneckerFactorSource> kroneckerFactorSources() {
            return inner.kroneckerFactorSources();
        }

        @Override
        public void zeroGrad() {
            inner.zeroGrad();
        }

        @Override
        public void initialize(long seed) {
            inner.initialize(seed);
        }

        @Override
        public long parameterCount() {
            return inner.parameterCount();
        }

        @Override
        public String summary() {
            return inner.summary();
        }
    }

    /** An optimizer whose n-th step fails the way a preconditioner with non-finite factors does. */
    private record FailingOptimizer(Optimizer inner, int failAt) implements Optimizer {
        @Override
        public void step() {
            if (inner.stepCount() + 1 == failAt) {
                throw new ArithmeticException("factor A of dense1 is NaN at step " + failAt);
            }
            inner.step();
        }

        @Override
        public double learningRate() {
            return inner.learningRate();
        }

        @Override
        public void setLearningRate(double lr) {
            inner.setLearningRate(lr);
        }

        @Override
        public long stepCount() {
            return inner.stepCount();
        }

        @Override
        public String describe() {
            return "failing " + inner.describe();
        }

        @Override
        public OptimizerState exportState() {
            return inner.exportState();
        }

        @Override
        public void importState(OptimizerState state) {
            inner.importState(state);
        }
    }
}
