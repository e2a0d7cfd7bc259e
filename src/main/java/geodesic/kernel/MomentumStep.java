package geodesic.kernel;

/**
 * Hyper-parameters of one SGD-with-momentum step ({@code torch.optim.SGD} with {@code momentum > 0}), for
 * {@link Elementwise#momentumUpdate}. Plain SGD ({@code momentum = 0}) is {@link SgdStep}: torch keeps no buffer
 * then, so dampening would have no effect.
 *
 * @param lr          learning rate, finite and {@code >= 0}
 * @param momentum    momentum factor, in {@code (0, 1]}
 * @param dampening   dampening of the new gradient in the buffer, in {@code [0, 1]}
 * @param nesterov    whether to step along {@code g + momentum * buf} instead of {@code buf}; needs
 *                    {@code dampening == 0}, as in torch
 * @param weightDecay L2 penalty folded into the gradient, finite and {@code >= 0}
 * @param firstStep   whether this is the first step: the buffer is then set to the gradient, whatever it held
 */
public record MomentumStep(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                           boolean firstStep) {

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it
     */
    public MomentumStep {
        ScalarElementwise.requireNonNegative("lr", lr);
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in (0, 1], got " + momentum
                    + " (use SgdStep for momentum 0)");
        }
        ScalarElementwise.requireInUnitInterval("dampening", dampening);
        ScalarElementwise.requireNonNegative("weightDecay", weightDecay);
        if (nesterov && dampening != 0) {
            throw new IllegalArgumentException("Nesterov momentum needs dampening 0, got " + dampening);
        }
    }
}
