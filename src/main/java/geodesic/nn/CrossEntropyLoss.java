package geodesic.nn;

import geodesic.kernel.SoftmaxCrossEntropy;
import geodesic.tensor.Tensor;
import java.util.Arrays;

/**
 * Softmax cross-entropy, the paper's loss and metric: for logits {@code z [N, classes]} and labels {@code y [N]},
 * {@code loss = -(1/N) sum_n log softmax(z_n)[y_n]}, with gradient {@code dL/dz = (softmax(z) - onehot(y)) / N}.
 * Computed by the fused kernel {@link SoftmaxCrossEntropy}: each row is shifted by its maximum and reduced in
 * double, so large logits do not overflow.
 *
 * <p><b>Memory and threading.</b> An instance owns the gradient buffer that {@link #forward} fills and reuses while
 * the batch size stays the same; use one instance per training loop, from one thread. The static
 * {@link #loss(Tensor, int[])} and {@link #predictions(Tensor)} keep nothing and are thread-safe.
 *
 * <p><b>Failures.</b> Logits that are not a non-empty {@code [N, classes]} matrix, a label array of another length
 * or a label outside {@code [0, classes)} throw {@link IllegalArgumentException} naming the problem.
 */
public final class CrossEntropyLoss {
    private Tensor gradient;

    /** A loss with no gradient buffer yet; the first {@link #forward} allocates it. */
    public CrossEntropyLoss() {
    }

    /**
     * Computes the mean loss and stores its gradient with respect to the logits, ready for
     * {@link Model#backward(Tensor)}.
     *
     * @param logits {@code [N, classes]}, read
     * @param labels {@code N} class indices, read
     * @return the mean negative log-likelihood, computed in double
     * @throws IllegalArgumentException see the class comment
     */
    public double forward(Tensor logits, int[] labels) {
        int classes = check(logits, labels);
        int n = logits.dim(0);
        if (gradient == null || gradient.dim(0) != n || gradient.dim(1) != classes) {
            gradient = Tensor.zeros(n, classes);
        }
        return SoftmaxCrossEntropy.lossAndGradient(n, classes, logits.data(), labels, gradient.data());
    }

    /**
     * The gradient of the last {@link #forward}, {@code [N, classes]}, in a buffer this instance owns and
     * overwrites on the next forward.
     *
     * @throws IllegalStateException before the first forward
     */
    public Tensor gradient() {
        if (gradient == null) {
            throw new IllegalStateException("gradient() called before forward()");
        }
        return gradient;
    }

    /**
     * The mean loss only, without a gradient; thread-safe.
     *
     * @param logits {@code [N, classes]}, read
     * @param labels {@code N} class indices, read
     * @throws IllegalArgumentException see the class comment
     */
    public static double loss(Tensor logits, int[] labels) {
        int classes = check(logits, labels);
        return SoftmaxCrossEntropy.loss(logits.dim(0), classes, logits.data(), labels);
    }

    /**
     * The predicted class of each row, the index of its largest logit (the first one on ties, the first NaN if the
     * row holds one); a new array of length {@code N}; thread-safe.
     *
     * @param logits {@code [N, classes]}, read
     * @throws IllegalArgumentException if {@code logits} is not {@code [N, classes]}
     */
    public static int[] predictions(Tensor logits) {
        requireMatrix(logits);
        return SoftmaxCrossEntropy.argmax(logits.dim(0), logits.dim(1), logits.data());
    }

    private static int check(Tensor logits, int[] labels) {
        requireMatrix(logits);
        if (labels.length != logits.dim(0)) {
            throw new IllegalArgumentException("labels: expected " + logits.dim(0) + " labels for logits "
                    + Arrays.toString(logits.shape()) + " but got " + labels.length);
        }
        return logits.dim(1);
    }

    private static void requireMatrix(Tensor logits) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("logits: expected [N, classes] but got "
                    + Arrays.toString(logits.shape()));
        }
    }
}
