package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CrossEntropyLossTest {

    @ParameterizedTest
    @CsvSource({"1, 1", "1, 7", "8, 9", "31, 10", "33, 100"})
    void lossAndGradientMatchFloat64Reference(int n, int classes) {
        SplittableRandom rng = new SplittableRandom(n * 1000L + classes);
        Tensor logits = GradientCheck.random(rng, n, classes);
        for (int i = 0; i < logits.size(); i++) {
            logits.data()[i] *= 5f;
        }
        int[] labels = GradientCheck.labels(rng, n, classes);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        double value = loss.forward(logits, labels);
        double ref = GradientCheck.crossEntropy(logits.data(), n, classes, labels);
        assertEquals(ref, value, 1e-9 * Math.max(1, ref), "mean loss");
        assertEquals(ref, CrossEntropyLoss.loss(logits, labels), 1e-9 * Math.max(1, ref), "static loss");

        float[] grad = loss.gradient().data();
        double worst = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits.data()[r * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits.data()[r * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(logits.data()[r * classes + c] - max) / sum;
                double expected = (p - (c == labels[r] ? 1 : 0)) / n;
                worst = Math.max(worst, Math.abs(grad[r * classes + c] - expected));
            }
        }
        assertTrue(worst <= 1e-7 / n, "gradient max abs error " + worst);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor logits = GradientCheck.random(rng, 4, 6);
        int[] labels = GradientCheck.labels(rng, 4, 6);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        loss.forward(logits, labels);
        double err = GradientCheck.maxRelativeError(loss.gradient().data(), GradientCheck.numericGradient(
                logits.data(), () -> CrossEntropyLoss.loss(logits, labels), 1e-2));
        assertTrue(err < 1e-3, "max relative error " + err);
    }

    @Test
    void hugeLogitsStayFinite() {
        Tensor logits = Tensor.wrap(new float[] {1e4f, -1e4f, 0f, -3e4f, 3e4f, 2e4f}, 2, 3);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        double value = loss.forward(logits, new int[] {1, 2});
        assertEquals((2e4 + 1e4) / 2, value, 1e-3);
        loss.gradient().requireFinite("gradient");
    }

    @Test
    void gradientBufferIsReusedForTheSameBatchSize() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        assertThrows(IllegalStateException.class, loss::gradient);
        loss.forward(Tensor.zeros(3, 4), new int[] {0, 1, 2});
        Tensor g = loss.gradient();
        loss.forward(Tensor.zeros(3, 4), new int[] {3, 1, 2});
        assertSame(g, loss.gradient());
    }

    @Test
    void predictionsAreRowArgmaxesWithTheFirstOnTies() {
        Tensor logits = Tensor.wrap(new float[] {0f, 2f, 2f, -1f, -3f, -2f}, 2, 3);
        assertArrayEquals(new int[] {1, 0}, CrossEntropyLoss.predictions(logits));
    }

    @Test
    void badLabelsAndShapesAreRejectedWithTheProblemNamed() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Tensor logits = Tensor.zeros(2, 3);
        assertEquals("labels[1] = 3 is outside [0, 3)", assertThrows(IllegalArgumentException.class,
                () -> loss.forward(logits, new int[] {0, 3})).getMessage());
        assertEquals("labels: expected 2 labels for logits [2, 3] but got 1", assertThrows(
                IllegalArgumentException.class, () -> loss.forward(logits, new int[] {0})).getMessage());
        assertEquals("logits: expected [N, classes] but got [2, 3, 1]", assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.loss(Tensor.zeros(2, 3, 1), new int[] {0, 0})).getMessage());
    }
}
