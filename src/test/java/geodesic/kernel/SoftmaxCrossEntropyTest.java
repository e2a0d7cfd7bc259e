package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SoftmaxCrossEntropyTest {
    private static final double EPS = 0x1p-24;

    static Stream<Arguments> shapes() {
        return Stream.of(arguments(1, 1), arguments(1, 10), arguments(7, 3), arguments(33, 10), arguments(128, 10),
                arguments(9, 257));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void lossAndGradientMatchFloat64Reference(int batch, int classes) {
        Random r = new Random(41);
        float[] logits = scaledGaussian(r, batch * classes, 3);
        int[] labels = labels(r, batch, classes);
        float[] grad = new float[batch * classes];
        Arrays.fill(grad, Float.NaN);
        double loss = SoftmaxCrossEntropy.lossAndGradient(batch, classes, logits, labels, grad);

        double refLoss = 0, worst = 0;
        for (int n = 0; n < batch; n++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[n * classes + j]);
            }
            refLoss += Math.log(sum) - logits[n * classes + labels[n]];
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(logits[n * classes + j]) / sum;
                double ref = ((j == labels[n] ? 1 : 0) - p) / -batch;
                // One float rounding of a value of magnitude at most 1/batch.
                worst = Math.max(worst, Math.abs(grad[n * classes + j] - ref) * batch);
            }
        }
        refLoss /= batch;
        assertEquals(refLoss, loss, 1e-12 * Math.max(1, Math.abs(refLoss)), "mean loss");
        assertEquals(refLoss, SoftmaxCrossEntropy.loss(batch, classes, logits, labels), 1e-12 * Math.max(1, refLoss));
        assertTrue(worst <= 2 * EPS, "gradient: max error " + worst + " (relative to 1/batch) exceeds " + 2 * EPS);
    }

    /** Perturbations of 2^-10 are exact in float for these logits, so only the O(h^2) truncation remains. */
    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() {
        int batch = 3, classes = 5;
        Random r = new Random(42);
        float[] logits = scaledGaussian(r, batch * classes, 1);
        int[] labels = labels(r, batch, classes);
        float[] grad = new float[logits.length];
        SoftmaxCrossEntropy.lossAndGradient(batch, classes, logits, labels, grad);
        float h = 0x1p-10f;
        for (int i = 0; i < logits.length; i++) {
            float keep = logits[i];
            logits[i] = keep + h;
            double plus = SoftmaxCrossEntropy.loss(batch, classes, logits, labels);
            logits[i] = keep - h;
            double minus = SoftmaxCrossEntropy.loss(batch, classes, logits, labels);
            logits[i] = keep;
            assertEquals((plus - minus) / (2 * h), grad[i], 1e-6, "d loss / d logits[" + i + "]");
        }
    }

    @Test
    void hugeLogitsGiveFiniteExactLossAndGradient() {
        float[] logits = {1e4f, -1e4f, 9990f, -3e38f, 3e38f, 0f};
        int[] labels = {2, 0};
        float[] grad = new float[6];
        double loss = SoftmaxCrossEntropy.lossAndGradient(2, 3, logits, labels, grad);
        // Row 0: -log softmax = log(1 + e^-10 + e^-19990) + 10; row 1: 3e38 + 3e38 + log(1 + e^-3e38).
        double row0 = Math.log1p(Math.exp(-10)) + 10;
        double row1 = (double) 3e38f + 3e38f;
        assertEquals((row0 + row1) / 2, loss, 1e-12 * row1, "mean loss");
        double p0 = 1 / (1 + Math.exp(-10)), p2 = Math.exp(-10) / (1 + Math.exp(-10));
        assertArrayEquals(new float[] {(float) (p0 / 2), 0f, (float) ((p2 - 1) / 2), -0.5f, 0.5f, 0f}, grad);

        float[] logSoftmax = new float[6];
        SoftmaxCrossEntropy.logSoftmax(2, 3, logits, logSoftmax);
        assertEquals(-row0, logSoftmax[2], 1e-5);
        assertEquals(0f, logSoftmax[4]);
        assertEquals(Float.NEGATIVE_INFINITY, logSoftmax[3], "-6e38 rounds beyond the float range");
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gradientRowsSumToZero(int batch, int classes) {
        Random r = new Random(43);
        float[] logits = scaledGaussian(r, batch * classes, 10);
        float[] grad = new float[logits.length];
        SoftmaxCrossEntropy.lossAndGradient(batch, classes, logits, labels(r, batch, classes), grad);
        for (int n = 0; n < batch; n++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += grad[n * classes + j];
            }
            double bound = (classes + 1) * EPS / batch;
            assertTrue(Math.abs(sum) <= bound, "row " + n + " sums to " + sum + ", more than " + bound);
        }
    }

    @Test
    void gradientMayOverwriteTheLogits() {
        Random r = new Random(44);
        float[] logits = scaledGaussian(r, 4 * 6, 2);
        int[] labels = labels(r, 4, 6);
        float[] grad = new float[logits.length];
        double loss = SoftmaxCrossEntropy.lossAndGradient(4, 6, logits, labels, grad);
        double inPlace = SoftmaxCrossEntropy.lossAndGradient(4, 6, logits, labels, logits);
        assertEquals(loss, inPlace);
        assertArrayEquals(grad, logits);
    }

    @Test
    void logSoftmaxMatchesReferenceAndWorksInPlace() {
        Random r = new Random(45);
        int batch = 5, classes = 7;
        float[] logits = scaledGaussian(r, batch * classes, 4);
        float[] out = new float[logits.length];
        SoftmaxCrossEntropy.logSoftmax(batch, classes, logits, out);
        for (int n = 0; n < batch; n++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[n * classes + j]);
            }
            for (int j = 0; j < classes; j++) {
                double ref = logits[n * classes + j] - Math.log(sum);
                assertEquals(ref, out[n * classes + j], EPS * (1 + Math.abs(ref)), "row " + n + ", class " + j);
            }
        }
        SoftmaxCrossEntropy.logSoftmax(batch, classes, logits, logits);
        assertArrayEquals(out, logits);
    }

    @Test
    void nanLogitMakesItsRowNaN() {
        float[] logits = {1, Float.NaN, 2, 0.5f, 0.25f, 0f};
        float[] grad = new float[6];
        double loss = SoftmaxCrossEntropy.lossAndGradient(2, 3, logits, new int[] {0, 1}, grad);
        assertTrue(Double.isNaN(loss), "loss " + loss);
        for (int j = 0; j < 3; j++) {
            assertTrue(Float.isNaN(grad[j]), "grad[" + j + "] = " + grad[j]);
            assertTrue(Float.isFinite(grad[3 + j]), "grad[" + (3 + j) + "] = " + grad[3 + j]);
        }
    }

    @Test
    void argmaxTakesTheFirstMaximumAndCountsCorrectRows() {
        float[] logits = {
            1, 3, 3, 0,
            -1, -2, -1, -5,
            0, 0, 0, 7,
            2, Float.NaN, 9, 1,
        };
        assertArrayEquals(new int[] {1, 0, 3, 1}, SoftmaxCrossEntropy.argmax(4, 4, logits));
        assertEquals(2, SoftmaxCrossEntropy.countCorrect(4, 4, logits, new int[] {1, 2, 3, 2}));
    }

    @Test
    void rejectsOutOfRangeLabelsNamingRowAndLabelBeforeWriting() {
        float[] logits = new float[3 * 4];
        float[] grad = new float[12];
        Arrays.fill(grad, 5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.lossAndGradient(3, 4, logits, new int[] {0, 3, 4}, grad));
        assertEquals("labels[2] = 4 is outside [0, 4)", e.getMessage());
        for (float g : grad) {
            assertEquals(5f, g, "grad untouched");
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.countCorrect(3, 4, logits, new int[] {-1, 0, 0}));
        assertEquals("labels[0] = -1 is outside [0, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.loss(3, 5, logits, new int[] {0, 0, 0}));
        assertEquals("logits must have at least 15 elements, got 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.lossAndGradient(3, 4, logits, new int[] {0, 0, 0}, new float[11]));
        assertEquals("grad must have at least 12 elements, got 11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.argmax(0, 4, logits));
        assertEquals("batch and classes must be >= 1, got 0 and 4", e.getMessage());
    }

    private static float[] scaledGaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }

    private static int[] labels(Random r, int batch, int classes) {
        int[] labels = new int[batch];
        for (int n = 0; n < batch; n++) {
            labels[n] = r.nextInt(classes);
        }
        return labels;
    }
}
