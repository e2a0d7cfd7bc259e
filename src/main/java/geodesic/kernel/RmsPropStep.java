package geodesic.kernel;

/**
 * Hyper-parameters of one RMSprop step ({@code torch.optim.RMSprop} with {@code centered = false} and
 * {@code momentum = 0}), for {@link Elementwise#rmsPropUpdate}.
 *
 * @param lr          learning rate, finite and {@code >= 0}
 * @param alpha       decay of the squared-gradient EMA, in {@code [0, 1]}
 * @param eps         added to the root of the EMA, finite and {@code >= 0}
 * @param weightDecay L2 penalty folded into the gradient, finite and {@code >= 0}
 */
public record RmsPropStep(double lr, double alpha, double eps, double weightDecay) {

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it
     */
    public RmsPropStep {
        ScalarElementwise.requireNonNegative("lr", lr);
        ScalarElementwise.requireInUnitInterval("alpha", alpha);
        ScalarElementwise.requireNonNegative("eps", eps);
        ScalarElementwise.requireNonNegative("weightDecay", weightDecay);
    }
}
