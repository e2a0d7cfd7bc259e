package geodesic.nn;

import geodesic.tensor.Tensor;

/**
 * One trainable tensor of a model and its gradient, e.g. {@code "conv1.weight"}.
 *
 * <p>{@code value} and {@code grad} have the same shape and are owned by the layer for its whole life: optimizers
 * update {@code value} in place and read {@code grad}, which backward accumulates into and
 * {@link Model#zeroGrad()} clears. Neither is thread-safe against a concurrent training step.
 *
 * @param name  layer name, a dot, and {@code weight} or {@code bias}
 * @param value the parameter itself
 * @param grad  the accumulated gradient of the loss with respect to {@code value}
 */
public record Parameter(String name, Tensor value, Tensor grad) {

    /**
     * Checks that the gradient fits the value.
     *
     * @throws IllegalArgumentException if {@code value} and {@code grad} differ in shape or share storage
     */
    public Parameter {
        value.requireSameShape("parameter " + name + " value and gradient", grad);
        if (value.data() == grad.data()) {
            throw new IllegalArgumentException("parameter " + name + ": value and gradient share storage");
        }
    }

    /** A parameter of the given shape with zero value and zero gradient. */
    static Parameter zeros(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape), Tensor.zeros(shape));
    }

    /** Number of scalars in the parameter. */
    public int size() {
        return value.size();
    }
}
