package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelNormalizationTest {
    /** Float64 per-channel mean and population std of {@code d}, the reference. */
    private static double[][] reference(Dataset d) {
        int c = d.channels();
        int plane = d.height() * d.width();
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int k = 0; k < c; k++) {
            double sum = 0;
            for (int e = 0; e < d.size(); e++) {
                for (int p = 0; p < plane; p++) {
                    sum += d.pixels()[(e * c + k) * plane + p];
                }
            }
            mean[k] = sum / ((double) d.size() * plane);
            double sq = 0;
            for (int e = 0; e < d.size(); e++) {
                for (int p = 0; p < plane; p++) {
                    double x = d.pixels()[(e * c + k) * plane + p] - mean[k];
                    sq += x * x;
                }
            }
            std[k] = Math.sqrt(sq / ((double) d.size() * plane));
        }
        return new double[][] {mean, std};
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1, 1", "7, 3, 5, 5", "33, 3, 8, 9", "129, 1, 7, 7"})
    void fittedStatisticsMatchFloat64Reference(int n, int c, int h, int w) {
        Dataset d = TestDatasets.random(n, c, h, w, 10, 31L * n + c);
        double[][] ref = reference(d);

        ChannelNormalization norm = ChannelNormalization.fit(d);

        long count = (long) n * h * w;
        double tolerance = 1e-6 * Math.log(count + 1) + 1e-7;
        for (int k = 0; k < c; k++) {
            double meanError = Math.abs(norm.mean()[k] - ref[0][k]) / Math.max(1, Math.abs(ref[0][k]));
            assertTrue(meanError <= tolerance, "channel " + k + " mean rel error " + meanError);
            if (ref[1][k] > 0) {
                double stdError = Math.abs(norm.std()[k] - ref[1][k]) / ref[1][k];
                assertTrue(stdError <= tolerance, "channel " + k + " std rel error " + stdError);
            }
        }
    }

    @Test
    void statisticsComeFromTheTrainingSplitOnlyAndApplyUnchangedToValidation() {
        Dataset all = TestDatasets.random(300, 3, 4, 4, 10, 8);
        // Shift the examples that will be held out so that whole-data statistics would differ visibly.
        TrainValidationSplit split = TrainValidationSplit.holdOut(all, 60, 2);
        for (int i = 0; i < split.validation().pixels().length; i++) {
            split.validation().pixels()[i] += 5f;
        }
        double[][] trainRef = reference(split.train());
        double[][] validationRef = reference(split.validation());

        ChannelNormalization norm = ChannelNormalization.fit(split.train());
        norm.applyInPlace(split.train());
        norm.applyInPlace(split.validation());

        double[][] trainAfter = reference(split.train());
        double[][] validationAfter = reference(split.validation());
        for (int k = 0; k < 3; k++) {
            assertEquals(trainRef[0][k], norm.mean()[k], 1e-5, "mean of channel " + k + " is the training mean");
            assertEquals(0, trainAfter[0][k], 1e-5, "training mean after, channel " + k);
            assertEquals(1, trainAfter[1][k], 1e-5, "training std after, channel " + k);
            double expectedValidationMean = (validationRef[0][k] - trainRef[0][k]) / trainRef[1][k];
            assertEquals(expectedValidationMean, validationAfter[0][k], 1e-4,
                    "validation uses the training statistics, channel " + k);
        }
    }

    @Test
    void constantChannelIsOnlyCentred() {
        Dataset d = Dataset.of("flat", "test", 2, 1, 2, 2, new float[] {3, 3, 3, 3, 3, 3, 3, 3}, new int[] {0, 1});

        ChannelNormalization norm = ChannelNormalization.fit(d);
        norm.applyInPlace(d);

        assertArrayEquals(new float[] {1}, norm.std());
        assertArrayEquals(new float[8], d.pixels());
    }

    @Test
    void channelCountMismatchAndBadStatisticsAreRejected() {
        ChannelNormalization norm = ChannelNormalization.of(new float[] {0.5f}, new float[] {0.25f});
        Dataset rgb = TestDatasets.random(2, 3, 1, 1, 2, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> norm.applyInPlace(rgb));
        assertTrue(e.getMessage().contains("3 channels but the normalisation has 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChannelNormalization.of(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ChannelNormalization.of(new float[] {0, 1},
                new float[] {1}));
    }
}
