package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradientNoiseIsotropyTest {
    private static final int K = GradientNoiseIsotropy.DEFAULT_SKETCH_DIMENSION;
    private static final int PAIRS = GradientNoiseIsotropy.DEFAULT_PAIRS;

    /** Noise around a large fixed mean: white ({@code rank == 0}) or along {@code rank} random directions. */
    private static final class NoiseSource {
        final float[] mean;
        final float[][] directions;
        final SplittableRandom random;

        NoiseSource(int size, int rank, long seed) {
            random = new SplittableRandom(seed);
            mean = new float[size];
            for (int i = 0; i < size; i++) {
                mean[i] = (float) (10 * random.nextGaussian());
            }
            directions = new float[rank][size];
            for (float[] d : directions) {
                for (int i = 0; i < size; i++) {
                    d[i] = (float) random.nextGaussian();
                }
            }
        }

        float[] next() {
            float[] x = mean.clone();
            if (directions.length == 0) {
                for (int i = 0; i < x.length; i++) {
                    x[i] += (float) random.nextGaussian();
                }
            }
            for (float[] d : directions) {
                double z = random.nextGaussian();
                for (int i = 0; i < x.length; i++) {
                    x[i] += (float) (z * d[i]);
                }
            }
            return x;
        }
    }

    private static double meanIsotropy(int size, int rank, int trials) {
        double sum = 0;
        for (int t = 0; t < trials; t++) {
            GradientNoiseIsotropy est = new GradientNoiseIsotropy(size, K, PAIRS, t);
            NoiseSource noise = new NoiseSource(size, rank, 100 + t);
            for (int n = 0; n < est.window(); n++) {
                est.addSample(List.of(noise.next()));
            }
            sum += est.isotropy();
        }
        return sum / trials;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 257, 2000})
    void whiteNoiseReadsAsIsotropic(int size) {
        double single = meanIsotropy(size, 0, 1);
        assertTrue(single > 0.6 && single < 1.6, "one white-noise estimate " + single + " for P = " + size);
        double mean = meanIsotropy(size, 0, 40);
        assertEquals(1.0, mean, 0.08, "mean of 40 white-noise estimates for P = " + size);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void noiseAlongFewDirectionsReadsAsRankOverSketchPlusRank(int rank) {
        double expected = (double) rank / (K + rank);
        double mean = meanIsotropy(2000, rank, 20);
        assertEquals(expected, mean, 0.25 * expected + 0.005, "rank " + rank + ": expected about r/(k+r) = "
                + expected);
        assertTrue(mean < 0.3, "rank-" + rank + " noise should read as clearly anisotropic, got " + mean);
    }

    @Test
    void aFewDominantCoordinatesReadAsAnisotropic() {
        SplittableRandom random = new SplittableRandom(3);
        GradientNoiseIsotropy est = new GradientNoiseIsotropy(500, K, PAIRS, 9);
        for (int n = 0; n < est.window(); n++) {
            float[] x = new float[500];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * (i < 3 ? 30 : 1));
            }
            est.addSample(List.of(x));
        }
        // three coordinates of variance 900 against 497 of variance 1: tr^2/||C||_F^2 = 3197^2 / (3 * 810000 + 497)
        assertTrue(est.isotropy() < 0.15 && est.effectiveRank() < 8, "isotropy " + est.isotropy() + ", rank "
                + est.effectiveRank());
    }

    @Test
    void partsAreOneVectorAndTheEstimateIsDeterministic() {
        NoiseSource noise = new NoiseSource(40, 0, 5);
        GradientNoiseIsotropy whole = new GradientNoiseIsotropy(40, 8, 4, 1);
        GradientNoiseIsotropy split = new GradientNoiseIsotropy(40, 8, 4, 1);
        for (int n = 0; n < 8; n++) {
            float[] x = noise.next();
            whole.addSample(List.of(x));
            split.addSample(List.of(Arrays.copyOfRange(x, 0, 13), Arrays.copyOfRange(x, 13, 40)));
        }
        assertEquals(whole.isotropy(), split.isotropy());
        assertTrue(Double.isFinite(whole.isotropy()));
    }

    @Test
    void keepsOnlyTheLastPairsAndNeedsTwoDifferences() {
        GradientNoiseIsotropy est = new GradientNoiseIsotropy(30, 8, 3, 1);
        NoiseSource noise = new NoiseSource(30, 0, 6);
        assertTrue(Double.isNaN(est.isotropy()));
        for (int n = 0; n < 3; n++) {
            est.addSample(List.of(noise.next()));
        }
        assertEquals(1, est.differences());
        assertTrue(Double.isNaN(est.isotropy()), "one difference cannot estimate a spread");
        est.addSample(List.of(noise.next()));
        assertEquals(2, est.differences());
        assertTrue(Double.isFinite(est.isotropy()));
        GradientNoiseIsotropy recent = new GradientNoiseIsotropy(30, 8, 3, 1);
        for (int n = 0; n < 10; n++) {
            float[] x = noise.next();
            est.addSample(List.of(x));
            if (n >= 4) {
                recent.addSample(List.of(x));
            }
        }
        assertEquals(3, est.differences());
        assertEquals(recent.isotropy(), est.isotropy(), "only the last 3 differences count");
        est.reset();
        assertEquals(0, est.differences());
        assertTrue(Double.isNaN(est.isotropy()));
    }

    @Test
    void identicalSamplesHaveNoNoiseToMeasure() {
        GradientNoiseIsotropy est = new GradientNoiseIsotropy(10, 4, 2, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        for (int n = 0; n < 4; n++) {
            est.addSample(List.of(x));
        }
        assertTrue(Double.isNaN(est.isotropy()));
    }

    @Test
    void stateRoundTripsIncludingAHalfPair() {
        NoiseSource noise = new NoiseSource(50, 0, 7);
        GradientNoiseIsotropy a = new GradientNoiseIsotropy(50, 8, 4, 2);
        for (int n = 0; n < 5; n++) {
            a.addSample(List.of(noise.next()));
        }
        OptimizerState s = new OptimizerState("test");
        a.exportState(s, "iso/");
        GradientNoiseIsotropy b = new GradientNoiseIsotropy(50, 8, 4, 2);
        b.importState(s, "iso/");
        for (int n = 0; n < 5; n++) {
            float[] x = noise.next();
            a.addSample(List.of(x));
            b.addSample(List.of(x));
        }
        assertEquals(a.isotropy(), b.isotropy());
        GradientNoiseIsotropy other = new GradientNoiseIsotropy(50, 16, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.importState(s, "iso/"));
        assertTrue(e.getMessage().contains("k=16"), e.getMessage());
    }

    @Test
    void badArgumentsAreRejectedByName() {
        GradientNoiseIsotropy est = new GradientNoiseIsotropy(10, 4, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> est.addSample(List.of(new float[9])));
        assertTrue(e.getMessage().contains("9") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradientNoiseIsotropy(0, 4, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new GradientNoiseIsotropy(10, 1, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new GradientNoiseIsotropy(10, 4, 1, 1));
    }
}
