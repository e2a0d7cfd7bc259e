package geodesic.kernel;

/**
 * Hyper-parameters of one Adagrad step ({@code torch.optim.Adagrad}), for {@link Elementwise#adagradUpdate}.
 *
 * @param lr          learning rate of this step, with torch's {@code lr_decay} already applied
 *                    ({@code lr / (1 + (step - 1) * lrDecay)}), finite and {@code >= 0}
 * @param eps         added to the root of the accumulated squares, finite and {@code >= 0}
 * @param weightDecay L2 penalty folded into the gradient, finite and {@code >= 0}
 */
public record AdagradStep(double lr, double eps, double weightDecay) {

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it
     */
    public AdagradStep {
        ScalarElementwise.requireNonNegative("lr", lr);
        ScalarElementwise.requireNonNegative("eps", eps);
        ScalarElementwise.requireNonNegative("weightDecay", weightDecay);
    }
}
