package geodesic.kernel;

/**
 * Hyper-parameters of one plain SGD step ({@code torch.optim.SGD} with {@code momentum = 0}), for
 * {@link Elementwise#sgdUpdate}.
 *
 * @param lr          learning rate, finite and {@code >= 0}
 * @param weightDecay L2 penalty folded into the gradient ({@code g + weightDecay * p}), finite and {@code >= 0}
 */
public record SgdStep(double lr, double weightDecay) {

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if a value is negative, NaN or infinite, naming it
     */
    public SgdStep {
        ScalarElementwise.requireNonNegative("lr", lr);
        ScalarElementwise.requireNonNegative("weightDecay", weightDecay);
    }
}
