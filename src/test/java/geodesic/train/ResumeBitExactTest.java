package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.Dataset;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import geodesic.nn.Sequential;
import geodesic.optim.LearningRateSchedule;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * k steps, a checkpoint through a file, and a resume for the remaining steps give byte-identical parameters, optimizer
 * state, step losses and epoch losses to the same training run uninterrupted.
 */
class ResumeBitExactTest {
    private static final int EPOCHS = 3;
    private static final int BATCH = 16;
    /** 100 examples in batches of 16: 6 full batches and a partial one, 7 steps per epoch. */
    private static final Dataset TRAIN = Fixtures.blobs(100, 11);
    private static final long SEED = 23;

    @TempDir
    Path dir;

    /** Where the run is cut: after a step checkpoint at step k, or after the checkpoint at the end of an epoch. */
    record Cut(String name, int everySteps, int everyEpochs, long stopAtStep) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Cut> cuts = List.of(
                new Cut("after step 3 (mid-epoch 1)", 3, 0, 4),
                new Cut("after step 7 (epoch 1's steps done, its end not)", 7, 0, 8),
                new Cut("after step 10 (mid-epoch 2, after the decay)", 10, 0, 11),
                new Cut("at the end of epoch 1", 0, 1, 8));
        return Fixtures.optimizers().stream().flatMap(o -> cuts.stream().map(c -> Arguments.of(o, c)));
    }

    /** Thrown by a listener to cut a run as a crash would. */
    private static final class Cutoff extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static final class Recorder implements TrainingListener {
        final List<Double> stepLosses = new ArrayList<>();
        final List<Long> steps = new ArrayList<>();
        final List<EpochMetrics> epochs = new ArrayList<>();
        final long stopAt;

        Recorder(long stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void onStep(StepMetrics s) {
            if (s.globalStep() == stopAt) {
                throw new Cutoff();
            }
            stepLosses.add(s.loss());
            steps.add(s.globalStep());
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            epochs.add(m);
        }
    }

    private static Trainer.Builder trainer(Model m, Optimizer o, Recorder r) {
        return Trainer.builder(m, o).epochs(EPOCHS).batchSize(BATCH).seed(SEED)
                .schedule(LearningRateSchedule.stepDecay(0.05, List.of(2), 0.1)).listener(r);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void resumedTrainingIsBitIdenticalToUninterruptedTraining(Fixtures.OptimizerFactory of, Cut cut)
            throws IOException {
        assertResumeIsBitExact(dir, Fixtures::cnn, of, cut);
    }

    @Test
    void dropoutMasksAreReproducedAfterResumingMidEpoch() throws IOException {
        LongFunction<Sequential> withDropout = seed -> Sequential.builder(1, 6, 6).flatten().dropout(0.3f)
                .dense(16).relu().dropout(0.5f).dense(3).build(seed);
        assertResumeIsBitExact(dir, withDropout, Fixtures.optimizers().get(1), new Cut("mid-epoch", 3, 0, 4));
    }

    /**
     * Trains {@code model(1)} with {@code of} uninterrupted, then cut at {@code cut} with checkpoints in {@code dir}
     * and resumed on {@code model(99)}, and asserts identical parameters, buffers, optimizer state and losses.
     */
    static void assertResumeIsBitExact(Path dir, LongFunction<Sequential> model, Fixtures.OptimizerFactory of,
                                       Cut cut) throws IOException {
        Sequential reference = model.apply(1);
        Optimizer referenceOptimizer = of.on(reference);
        Recorder uninterrupted = new Recorder(-1);
        trainer(reference, referenceOptimizer, uninterrupted).build().fit(TRAIN, null, null);
        // Diverged runs would compare NaN with NaN and prove nothing.
        assertTrue(uninterrupted.stepLosses.stream().allMatch(Double::isFinite),
                "uninterrupted step losses " + uninterrupted.stepLosses);

        Sequential first = model.apply(1);
        CheckpointDirectory checkpoints = CheckpointDirectory.open(dir, 2);
        assertThrows(Cutoff.class, () -> trainer(first, of.on(first), new Recorder(cut.stopAtStep()))
                .checkpoints(CheckpointListener.every(checkpoints, cut.everySteps(), cut.everyEpochs(), "test"))
                .build().fit(TRAIN, null, null));

        Checkpoint saved = checkpoints.latest().orElseThrow().checkpoint();
        long k = saved.progress().globalStep();
        assertEquals(cut.stopAtStep() - 1, k, "checkpointed step");
        // Another initialisation proves that the resume overwrote every parameter and buffer.
        Sequential resumed = model.apply(99);
        Optimizer resumedOptimizer = of.on(resumed);
        Recorder rest = new Recorder(-1);
        trainer(resumed, resumedOptimizer, rest).resume(saved).build().fit(TRAIN, null, null);

        assertBitIdentical(reference, resumed);
        assertSameState(referenceOptimizer.exportState(), resumedOptimizer.exportState());
        int from = (int) k;
        assertEquals(uninterrupted.stepLosses.subList(from, uninterrupted.stepLosses.size()), rest.stepLosses,
                "step losses after the resume");
        assertEquals(uninterrupted.steps.subList(from, uninterrupted.steps.size()), rest.steps, "step numbers");
        EpochMetrics lastExpected = uninterrupted.epochs.getLast();
        EpochMetrics lastResumed = rest.epochs.getLast();
        assertEquals(lastExpected.trainLoss(), lastResumed.trainLoss(), "last epoch's mean training loss");
        assertEquals(lastExpected.learningRate(), lastResumed.learningRate(), "last epoch's learning rate");
        EpochMetrics resumedEpochExpected = uninterrupted.epochs.get(rest.epochs.getFirst().epoch() - 1);
        assertEquals(resumedEpochExpected.trainLoss(), rest.epochs.getFirst().trainLoss(),
                "the resumed epoch's mean loss includes the steps before the checkpoint");
    }

    @Test
    void resumeWithBackgroundPrefetchIsBitIdenticalToo() throws IOException {
        Fixtures.OptimizerFactory of = Fixtures.optimizers().get(1);
        Sequential reference = Fixtures.cnn(1);
        trainer(reference, of.on(reference), new Recorder(-1)).build().fit(TRAIN, null, null);

        try (ExecutorService prefetch = Executors.newSingleThreadExecutor()) {
            Sequential first = Fixtures.cnn(1);
            CheckpointDirectory checkpoints = CheckpointDirectory.open(dir, 1);
            assertThrows(Cutoff.class, () -> trainer(first, of.on(first), new Recorder(6)).prefetch(prefetch)
                    .checkpoints(CheckpointListener.every(checkpoints, 5, 0, "test")).build().fit(TRAIN, null, null));
            Sequential resumed = Fixtures.cnn(2);
            trainer(resumed, of.on(resumed), new Recorder(-1)).prefetch(prefetch)
                    .resume(checkpoints.latest().orElseThrow().checkpoint()).build().fit(TRAIN, null, null);

            assertBitIdentical(reference, resumed);
        }
    }

    @Test
    void resumeRefusesAnotherBatchSizeOrSeedOrTrainingSet() throws IOException {
        Sequential m = Fixtures.cnn(1);
        Optimizer o = Fixtures.optimizers().get(0).on(m);
        CheckpointDirectory checkpoints = CheckpointDirectory.open(dir, 1);
        trainer(m, o, new Recorder(-1)).epochs(1).checkpoints(CheckpointListener.every(checkpoints, 0, 1, ""))
                .build().fit(TRAIN, null, null);
        Checkpoint c = checkpoints.latest().orElseThrow().checkpoint();

        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> trainer(m, o, new Recorder(-1)).batchSize(32).resume(c).build().fit(TRAIN, null, null));
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
                () -> trainer(m, o, new Recorder(-1)).seed(1).resume(c).build().fit(TRAIN, null, null));
        IllegalArgumentException data = assertThrows(IllegalArgumentException.class,
                () -> trainer(m, o, new Recorder(-1)).resume(c).build().fit(Fixtures.blobs(90, 1), null, null));

        assertEquals("cannot resume: the checkpoint was taken with batch size 16 but this trainer has 32",
                batch.getMessage());
        assertTrue(seed.getMessage().contains("data-order seed 23 but this trainer has 1"), seed.getMessage());
        assertTrue(data.getMessage().contains("training-set size 100 but this trainer has 90"), data.getMessage());
    }

    /** Equal optimizer states, naming the first entry that differs. */
    static void assertSameState(OptimizerState expected, OptimizerState actual) {
        assertEquals(expected.kind(), actual.kind());
        assertEquals(expected.longs(), actual.longs(), "optimizer counters");
        assertEquals(expected.strings(), actual.strings(), "optimizer strings");
        assertEquals(expected.floats().keySet(), actual.floats().keySet(), "optimizer float entries");
        assertEquals(expected.doubles().keySet(), actual.doubles().keySet(), "optimizer double entries");
        expected.floats().forEach((name, v) -> {
            float[] w = actual.floats().get(name);
            for (int i = 0; i < v.length; i++) {
                if (Float.floatToRawIntBits(v[i]) != Float.floatToRawIntBits(w[i])) {
                    throw new AssertionError("optimizer entry " + name + "[" + i + "] differs after resuming: "
                            + "expected " + v[i] + ", got " + w[i]);
                }
            }
        });
        expected.doubles().forEach((name, v) -> {
            double[] w = actual.doubles().get(name);
            for (int i = 0; i < v.length; i++) {
                if (Double.doubleToRawLongBits(v[i]) != Double.doubleToRawLongBits(w[i])) {
                    throw new AssertionError("optimizer entry " + name + "[" + i + "] differs after resuming: "
                            + "expected " + v[i] + ", got " + w[i]);
                }
            }
        });
        assertEquals(expected, actual, "optimizer state after resuming");
    }

    static void assertBitIdentical(Model expected, Model actual) {
        List<Parameter> e = expected.parameters();
        List<Parameter> a = actual.parameters();
        for (int p = 0; p < e.size(); p++) {
            float[] x = e.get(p).value().data();
            float[] y = a.get(p).value().data();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError(e.get(p).name() + "[" + i + "] differs after resuming: expected "
                            + x[i] + ", got " + y[i]);
                }
            }
        }
        CheckpointFileTest.assertBitIdentical(expected.buffers(), actual.buffers());
    }
}
