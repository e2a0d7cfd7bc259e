package geodesic.optim;

/**
 * Updates a model's parameters from their gradients, one step per mini-batch.
 *
 * <p><b>Lifecycle.</b> An optimizer is bound to a fixed list of parameters at construction. Each training step is:
 * the caller zeroes gradients, runs forward and backward, then calls {@link #step()} once. Learning-rate schedules
 * call {@link #setLearningRate(double)} between steps.
 *
 * <p><b>Threading.</b> Not thread-safe: one training thread drives an optimizer.
 */
public interface Optimizer {

    /**
     * Applies one update to every parameter from its current gradient.
     *
     * @throws ArithmeticException if a gradient holds NaN or infinity, naming the parameter and step; the
     *                             parameters are then left unchanged
     */
    void step();

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /**
     * Sets the learning rate for the following steps.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    void setLearningRate(double lr);

    /** Number of completed steps. */
    long stepCount();

    /** Name and hyper-parameters, e.g. {@code "sgd(lr=0.1, momentum=0.9)"}. */
    String describe();

    /** A copy of everything that determines future steps (buffers, counters, learning rate), for checkpoints. */
    OptimizerState exportState();

    /**
     * Restores a state exported by an optimizer of the same kind over parameters of the same names and sizes.
     *
     * @throws IllegalArgumentException naming the first entry that is missing or has the wrong size, or the kind
     *                                  when the state comes from another optimizer; nothing is changed then
     */
    void importState(OptimizerState state);
}
