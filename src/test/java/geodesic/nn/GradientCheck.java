package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Finite-difference machinery for the gradient tests: a float64 softmax cross-entropy reference, central
 * differences around float32 values, and the error measure the assertions use.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    /** Mean softmax cross-entropy of logits {@code [n, k]} computed entirely in double. */
    static double crossEntropy(float[] logits, int n, int k, int[] labels) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, logits[r * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[r * k + c] - max);
            }
            total += Math.log(sum) + max - logits[r * k + labels[r]];
        }
        return total / n;
    }

    /**
     * Central differences of {@code loss} with respect to every element of {@code values}, which are perturbed in
     * place by about {@code eps} and restored. The step actually taken is the difference of the two float32
     * perturbed values, so rounding of the perturbation itself does not bias the estimate.
     */
    static double[] numericGradient(float[] values, DoubleSupplier loss, double eps) {
        double[] g = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            float original = values[i];
            float hi = (float) (original + eps);
            float lo = (float) (original - eps);
            values[i] = hi;
            double lossHi = loss.getAsDouble();
            values[i] = lo;
            double lossLo = loss.getAsDouble();
            values[i] = original;
            g[i] = (lossHi - lossLo) / ((double) hi - lo);
        }
        return g;
    }

    /**
     * Largest element-wise relative error {@code |a - n| / max(|a|, |n|, floor)}, where {@code floor} is
     * {@code 1e-2} of the largest numeric magnitude (plus a tiny absolute term), so elements whose gradient is
     * nearly zero are judged on the scale of the whole gradient instead of their own noise.
     */
    static double maxRelativeError(float[] analytic, double[] numeric) {
        double scale = 0;
        for (double v : numeric) {
            scale = Math.max(scale, Math.abs(v));
        }
        double floor = 1e-2 * scale + 1e-9;
        double worst = 0;
        for (int i = 0; i < numeric.length; i++) {
            double denom = Math.max(floor, Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])));
            worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / denom);
        }
        return worst;
    }

    /** Uniform values in {@code [-1, 1)}. */
    static Tensor random(SplittableRandom rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return t;
    }

    /** Labels uniform in {@code [0, classes)}. */
    static int[] labels(SplittableRandom rng, int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return y;
    }
}
