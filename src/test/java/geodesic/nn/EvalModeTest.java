package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch norm and dropout behave differently in training and inference, as documented. */
class EvalModeTest {

    @Test
    void batchNormUpdatesRunningStatisticsWithMomentumAndUnbiasedVariance() {
        BatchNorm bn = new BatchNorm("bn", Shape.of(2, 1, 2), 0.25f, 1e-5f);
        bn.initialize(0);
        // channel 0 sees {1, 2, 3, 6}, channel 1 sees {0, 0, 4, 4}
        Tensor x = Tensor.wrap(new float[] {1, 2, 0, 0, 3, 6, 4, 4}, 2, 2, 1, 2);
        bn.forward(x, Mode.TRAIN);
        float[] mean = bn.buffers().get("bn.runningMean").data();
        float[] var = bn.buffers().get("bn.runningVar").data();
        assertEquals(0.25 * 3, mean[0], 1e-6);
        assertEquals(0.25 * 2, mean[1], 1e-6);
        assertEquals(0.75 + 0.25 * (14.0 / 3), var[0], 1e-6, "unbiased variance of {1, 2, 3, 6} is 14/3");
        assertEquals(0.75 + 0.25 * (16.0 / 3), var[1], 1e-6);
    }

    @Test
    void batchNormEvalUsesRunningStatisticsAndTreatsExamplesIndependently() {
        BatchNorm bn = new BatchNorm("bn", Shape.of(3), 0.1f, 1e-3f);
        bn.initialize(0);
        SplittableRandom rng = new SplittableRandom(1);
        for (int step = 0; step < 5; step++) {
            bn.forward(GradientCheck.random(rng, 8, 3), Mode.TRAIN);
        }
        bn.parameters().get(0).value().data()[1] = 2f;
        bn.parameters().get(1).value().data()[2] = -0.5f;
        float[] mean = bn.buffers().get("bn.runningMean").data();
        float[] var = bn.buffers().get("bn.runningVar").data();
        float[] gamma = bn.parameters().get(0).value().data();
        float[] beta = bn.parameters().get(1).value().data();

        Tensor x = GradientCheck.random(rng, 4, 3);
        float[] y = bn.forward(x, Mode.EVAL).data();
        for (int e = 0; e < 4; e++) {
            for (int c = 0; c < 3; c++) {
                double ref = gamma[c] * (x.data()[e * 3 + c] - mean[c]) / Math.sqrt(var[c] + 1e-3) + beta[c];
                assertEquals(ref, y[e * 3 + c], 1e-5, "example " + e + " feature " + c);
            }
        }
        Tensor single = Tensor.wrap(Arrays.copyOfRange(x.data(), 3, 6), 1, 3);
        assertArrayEquals(Arrays.copyOfRange(y, 3, 6), bn.forward(single, Mode.EVAL).data(), 1e-7f,
                "an example's eval output does not depend on the rest of the batch");
        float[] meanBefore = mean.clone();
        bn.forward(x, Mode.EVAL);
        assertArrayEquals(meanBefore, mean, "eval must not update running statistics");
    }

    @Test
    void batchNormTrainingRejectsASingleValuePerChannel() {
        BatchNorm bn = new BatchNorm("bn7", Shape.of(4), 0.1f, 1e-5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forward(Tensor.zeros(1, 4), Mode.TRAIN));
        assertEquals("bn7: training needs more than one value per channel, got input [1, 4]", e.getMessage());
        bn.initialize(0);
        bn.forward(Tensor.zeros(1, 4), Mode.EVAL);
    }

    @Test
    void dropoutIsTheIdentityInEval() {
        Dropout d = new Dropout("dropout", Shape.of(10), 0.5f);
        d.initialize(1);
        Tensor x = GradientCheck.random(new SplittableRandom(2), 3, 10);
        assertSame(x, d.forward(x, Mode.EVAL));
    }

    @Test
    void dropoutDropsAboutPAndKeepsTheExpectation() {
        float p = 0.3f;
        Dropout d = new Dropout("dropout", Shape.of(1000), p);
        d.initialize(3);
        Tensor ones = Tensor.zeros(20, 1000).fillInPlace(1f);
        float[] y = d.forward(ones, Mode.TRAIN).data();
        int dropped = 0;
        double sum = 0;
        for (float v : y) {
            dropped += v == 0f ? 1 : 0;
            sum += v;
        }
        // 20000 Bernoulli(0.3) draws: standard deviation of the count is about 65; allow 5 of them.
        assertTrue(Math.abs(dropped - 6000) < 325, "dropped " + dropped + " of 20000 at p = 0.3");
        assertEquals(1.0, sum / y.length, 0.02, "mean output of an all-ones input");
    }

    @Test
    void dropoutMasksFollowTheSeedAndChangeEveryStep() {
        Tensor x = Tensor.zeros(4, 64).fillInPlace(1f);
        Dropout a = new Dropout("dropout", Shape.of(64), 0.5f);
        Dropout b = new Dropout("dropout", Shape.of(64), 0.5f);
        Dropout c = new Dropout("dropout", Shape.of(64), 0.5f);
        a.initialize(10);
        b.initialize(10);
        c.initialize(11);
        float[] a1 = a.forward(x, Mode.TRAIN).data().clone();
        float[] a2 = a.forward(x, Mode.TRAIN).data().clone();
        assertArrayEquals(a1, b.forward(x, Mode.TRAIN).data(), "same seed, same first mask");
        assertFalse(Arrays.equals(a1, a2), "the mask changes between steps");
        assertFalse(Arrays.equals(a1, c.forward(x, Mode.TRAIN).data()), "another seed, another mask");
    }

    @Test
    void dropoutWithZeroProbabilityKeepsEverything() {
        Dropout d = new Dropout("dropout", Shape.of(5), 0f);
        d.initialize(0);
        Tensor x = GradientCheck.random(new SplittableRandom(4), 3, 5);
        assertArrayEquals(x.data(), d.forward(x, Mode.TRAIN).data());
    }
}
