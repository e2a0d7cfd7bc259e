package geodesic.kernel;

import java.util.Objects;

/**
 * Softmax followed by the negative log-likelihood of integer labels, fused and numerically stable, over a batch of
 * logit rows {@code logits[batch][classes]} (row-major).
 *
 * <p>Each row is shifted by its maximum and reduced through a log-sum-exp in double, so logits of any finite
 * magnitude (e.g. {@code +-1e4}, where a plain float {@code exp} overflows) give finite losses and gradients. A
 * NaN or {@code +Infinity} logit makes its row's loss and gradient NaN rather than being dropped; a
 * {@code -Infinity} logit is a class of probability zero.
 *
 * <p>Labels are validated before anything is written: a label outside {@code [0, classes)} throws and leaves the
 * outputs untouched. Batch-sized arrays must hold at least {@code batch * classes} (labels: {@code batch})
 * elements; only that prefix is used. All methods are static, stateless and thread-safe; arrays must not be null.
 */
public final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    /**
     * Mean negative log-likelihood {@code (1/batch) sum_n -log softmax(logits_n)[labels[n]]}, accumulated in
     * double, and optionally its gradient with respect to the logits.
     *
     * @param logits {@code [batch][classes]}, read
     * @param labels {@code [batch]}, each in {@code [0, classes)}
     * @param grad   {@code [batch][classes]}, overwritten with {@code (softmax(logits_n) - onehot(labels[n])) / batch};
     *               may be {@code logits} itself; null to skip
     * @return the mean loss
     * @throws IllegalArgumentException if {@code batch} or {@code classes} is below 1, an array is too short, or a
     *                                  label is out of range (naming its row and value)
     */
    public static double lossAndGradient(int batch, int classes, float[] logits, int[] labels, float[] grad) {
        check(batch, classes, logits, labels);
        if (grad != null) {
            requireAtLeast("grad", grad.length, (long) batch * classes);
        }
        double[] shifted = new double[classes];
        double total = 0;
        for (int n = 0, row = 0; n < batch; n++, row += classes) {
            double max = rowMax(logits, row, classes);
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                shifted[j] = Math.exp(logits[row + j] - max);
                sum += shifted[j];
            }
            int label = labels[n];
            // The label's logit is read before grad, which may alias logits, is written.
            total += Math.log(sum) - (logits[row + label] - max);
            if (grad != null) {
                double inv = 1 / sum;
                for (int j = 0; j < classes; j++) {
                    double p = shifted[j] * inv;
                    grad[row + j] = (float) ((j == label ? p - 1 : p) / batch);
                }
            }
        }
        return total / batch;
    }

    /**
     * Mean negative log-likelihood, as {@link #lossAndGradient} without the gradient.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    public static double loss(int batch, int classes, float[] logits, int[] labels) {
        return lossAndGradient(batch, classes, logits, labels, null);
    }

    /**
     * Row-wise log-softmax: {@code out[n][j] = logits[n][j] - log sum_k exp(logits[n][k])}, computed stably in
     * double and rounded once to float.
     *
     * @param logits {@code [batch][classes]}, read
     * @param out    {@code [batch][classes]}, overwritten; may be {@code logits} itself
     * @throws IllegalArgumentException if {@code batch} or {@code classes} is below 1 or an array is too short
     */
    public static void logSoftmax(int batch, int classes, float[] logits, float[] out) {
        checkShape(batch, classes, logits);
        requireAtLeast("out", Objects.requireNonNull(out, "out").length, (long) batch * classes);
        for (int n = 0, row = 0; n < batch; n++, row += classes) {
            double max = rowMax(logits, row, classes);
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[row + j] - max);
            }
            double shift = max + Math.log(sum);
            for (int j = 0; j < classes; j++) {
                out[row + j] = (float) (logits[row + j] - shift);
            }
        }
    }

    /**
     * The predicted class of every row: the index of its largest logit, the first one on ties, the first NaN if
     * the row holds one.
     *
     * @return a new array of {@code batch} class indices
     * @throws IllegalArgumentException if {@code batch} or {@code classes} is below 1 or {@code logits} is too short
     */
    public static int[] argmax(int batch, int classes, float[] logits) {
        checkShape(batch, classes, logits);
        int[] predicted = new int[batch];
        for (int n = 0; n < batch; n++) {
            predicted[n] = rowArgmax(logits, n * classes, classes);
        }
        return predicted;
    }

    /**
     * Number of rows whose {@link #argmax} equals their label, for accuracy.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    public static int countCorrect(int batch, int classes, float[] logits, int[] labels) {
        check(batch, classes, logits, labels);
        int correct = 0;
        for (int n = 0; n < batch; n++) {
            if (rowArgmax(logits, n * classes, classes) == labels[n]) {
                correct++;
            }
        }
        return correct;
    }

    /** Largest logit of a row, the shift that keeps exp in range; NaN if the row holds one, so the row stays NaN. */
    private static double rowMax(float[] logits, int row, int classes) {
        float max = logits[row];
        for (int j = 1; j < classes; j++) {
            max = Math.max(max, logits[row + j]);
        }
        return max;
    }

    private static int rowArgmax(float[] logits, int row, int classes) {
        float best = logits[row];
        int at = 0;
        for (int j = 1; j < classes; j++) {
            float v = logits[row + j];
            if (v > best || (v != v && best == best)) {
                best = v;
                at = j;
            }
        }
        return at;
    }

    private static void check(int batch, int classes, float[] logits, int[] labels) {
        checkShape(batch, classes, logits);
        requireAtLeast("labels", Objects.requireNonNull(labels, "labels").length, batch);
        for (int n = 0; n < batch; n++) {
            if (labels[n] < 0 || labels[n] >= classes) {
                throw new IllegalArgumentException("labels[" + n + "] = " + labels[n] + " is outside [0, "
                        + classes + ")");
            }
        }
    }

    private static void checkShape(int batch, int classes, float[] logits) {
        if (batch < 1 || classes < 1) {
            throw new IllegalArgumentException("batch and classes must be >= 1, got " + batch + " and " + classes);
        }
        requireAtLeast("logits", Objects.requireNonNull(logits, "logits").length, (long) batch * classes);
    }

    private static void requireAtLeast(String name, int actual, long length) {
        if (actual < length) {
            throw new IllegalArgumentException(name + " must have at least " + length + " elements, got " + actual);
        }
    }
}
