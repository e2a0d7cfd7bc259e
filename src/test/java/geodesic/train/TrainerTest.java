package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.Dataset;
import geodesic.nn.Sequential;
import geodesic.optim.EpochAware;
import geodesic.optim.LearningRateSchedule;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /** Two Gaussian blobs per class in 1x4x4 images: learnable in a few epochs by a small MLP. */
    private static Dataset blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pixels = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            labels[i] = c;
            for (int j = 0; j < 16; j++) {
                double centre = (j % 3 == c) ? 1.0 : -0.5;
                pixels[i * 16 + j] = (float) (centre + 0.5 * r.nextGaussian());
            }
        }
        return Dataset.of("blobs", "synthetic", 3, 1, 4, 4, pixels, labels);
    }

    private static Sequential model(long seed) {
        return Sequential.builder(1, 4, 4).flatten().dense(16).relu().dense(3).build(seed);
    }

    private static List<Double> trainLosses(long seed) {
        Sequential m = model(7);
        List<Double> losses = new ArrayList<>();
        Trainer.builder(m, Sgd.withMomentum(m.parameters(), 0.05, 0.9))
                .epochs(3).batchSize(32).seed(seed)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics s) {
                        losses.add(s.loss());
                    }
                })
                .build().fit(blobs(300, 1), null, null);
        return losses;
    }

    @Test
    void sameSeedGivesIdenticalLossesAndAnotherSeedDoesNot() {
        List<Double> a = trainLosses(3);
        assertEquals(a, trainLosses(3));
        assertTrue(!a.equals(trainLosses(4)));
    }

    @Test
    void trainingLowersTheLossAndReportsEveryEpoch() {
        Sequential m = model(1);
        List<EpochMetrics> seen = new ArrayList<>();
        TrainingResult r = Trainer.builder(m, Sgd.withMomentum(m.parameters(), 0.05, 0.9))
                .epochs(4).batchSize(32).schedule(LearningRateSchedule.stepDecay(0.05, List.of(4), 0.1))
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics e) {
                        seen.add(e);
                    }
                })
                .build().fit(blobs(600, 2), blobs(200, 3), blobs(200, 4));
        assertEquals(4, seen.size());
        assertEquals(seen, r.epochs());
        assertTrue(r.last().trainLoss() < seen.get(0).trainLoss(), r.toString());
        assertTrue(r.last().testAccuracy() > 0.9, "test accuracy " + r.last().testAccuracy());
        assertEquals(0.005, r.last().learningRate(), 1e-12);
        assertEquals(600, r.last().images());
    }

    @Test
    void listenerCanStopEarly() {
        Sequential m = model(1);
        TrainingResult r = Trainer.builder(m, Sgd.plain(m.parameters(), 0.01)).epochs(5).batchSize(50)
                .listener(new TrainingListener() {
                    @Override
                    public boolean shouldStop() {
                        return true;
                    }
                })
                .build().fit(blobs(100, 1), null, null);
        assertEquals(1, r.epochs().size());
        assertTrue(r.stoppedEarly());
    }

    @Test
    void divergingLearningRateStopsWithTheEpochAndBatchNamed() {
        Sequential m = model(1);
        Trainer t = Trainer.builder(m, Sgd.plain(m.parameters(), 1e30)).epochs(2).batchSize(10).build();
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> t.fit(blobs(100, 1), null, null));
        assertTrue(e.getMessage().contains("epoch 1") || e.getMessage().contains("step"), e.getMessage());
    }

    /** SGD that records the epoch ends it hears of, as TSO-ALRA's switch rules do. */
    private static final class EpochRecordingSgd implements Optimizer, EpochAware {
        final Sgd sgd;
        final List<String> calls = new ArrayList<>();

        EpochRecordingSgd(Sequential m) {
            sgd = Sgd.plain(m.parameters(), 0.05);
        }

        @Override
        public void onEpochEnd(int epoch, double validationLoss) {
            calls.add(epoch + ":" + (Double.isNaN(validationLoss) ? "NaN" : "val"));
        }

        @Override
        public void step() {
            sgd.step();
        }

        @Override
        public double learningRate() {
            return sgd.learningRate();
        }

        @Override
        public void setLearningRate(double lr) {
            sgd.setLearningRate(lr);
        }

        @Override
        public long stepCount() {
            return sgd.stepCount();
        }

        @Override
        public String describe() {
            return "recording " + sgd.describe();
        }

        @Override
        public OptimizerState exportState() {
            return sgd.exportState();
        }

        @Override
        public void importState(OptimizerState state) {
            sgd.importState(state);
        }
    }

    @Test
    void epochAwareOptimizerHearsEachEpochEndWithTheValidationLoss() {
        Sequential m = model(1);
        EpochRecordingSgd opt = new EpochRecordingSgd(m);
        Trainer.builder(m, opt).epochs(2).batchSize(50).build().fit(blobs(100, 1), blobs(50, 2), null);
        assertEquals(List.of("1:val", "2:val"), opt.calls);
        EpochRecordingSgd noVal = new EpochRecordingSgd(m);
        Trainer.builder(m, noVal).epochs(1).batchSize(50).build().fit(blobs(100, 1), null, null);
        assertEquals(List.of("1:NaN"), noVal.calls);
    }
}
