package geodesic.kernel;

/**
 * Hyper-parameters of one Adam or AMSGrad step ({@code torch.optim.Adam}: L2 weight decay folded into the
 * gradient, not AdamW's decoupled decay), for {@link Elementwise#adamUpdate}. Whether AMSGrad runs is decided by
 * the kernel call (a {@code vMax} array or {@code null}).
 *
 * @param lr          learning rate, finite and {@code >= 0}
 * @param beta1       decay of the first-moment EMA, in {@code [0, 1)}
 * @param beta2       decay of the second-moment EMA, in {@code [0, 1)}
 * @param eps         added to the bias-corrected root of the second moment, finite and {@code >= 0}
 * @param weightDecay L2 penalty folded into the gradient, finite and {@code >= 0}
 * @param step        1-based step number used for bias correction, {@code >= 1}
 */
public record AdamStep(double lr, double beta1, double beta2, double eps, double weightDecay, int step) {

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it
     */
    public AdamStep {
        ScalarElementwise.requireNonNegative("lr", lr);
        ScalarElementwise.requireInHalfOpenUnitInterval("beta1", beta1);
        ScalarElementwise.requireInHalfOpenUnitInterval("beta2", beta2);
        ScalarElementwise.requireNonNegative("eps", eps);
        ScalarElementwise.requireNonNegative("weightDecay", weightDecay);
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (steps count from 1), got " + step);
        }
    }

    /** {@code lr / (1 - beta1^step)}, computed in double and rounded once. */
    float stepSize() {
        return (float) (lr / (1.0 - Math.pow(beta1, step)));
    }

    /**
     * {@code 1 / sqrt(1 - beta2^step)}: torch divides {@code sqrt(v)} by {@code sqrt(1 - beta2^step)}; multiplying
     * by this reciprocal instead differs by at most a rounding and saves a division per element.
     */
    float inverseRootBiasCorrection2() {
        return (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, step)));
    }
}
