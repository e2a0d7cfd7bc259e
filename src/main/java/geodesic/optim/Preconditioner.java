package geodesic.optim;

/**
 * Turns the gradients of a fixed set of parameters into preconditioned gradients, in place: for a layer with
 * gradient {@code G}, the paper's {@code F^{-1/2} g} (Eq. 11-16) under some approximation of the Fisher block
 * (diagonal, Kronecker-factored, or the full block).
 *
 * <p><b>Call order.</b> Once per training step, after {@code Model.backward} and before the optimizer's update:
 * {@link #precondition(long)} updates the statistics the preconditioner keeps (moving averages, factors, roots,
 * according to its schedule) from this step's quantities and overwrites each parameter's {@code grad} tensor with
 * the preconditioned gradient. Implementations that need per-layer inputs and output gradients turn on the
 * model's Kronecker capture when they are built.
 *
 * <p><b>Threading.</b> Driven by the training thread; an implementation may compute in the background (e.g.
 * inverse roots) but {@code precondition} returns only when the gradients are written.
 */
public interface Preconditioner {

    /**
     * Updates statistics and replaces every managed gradient by its preconditioned value.
     *
     * @param step 1-based number of the training step being taken
     * @throws ArithmeticException if a statistic or result becomes NaN or infinite, naming the layer, the step and
     *                             the quantity (after the retry chain for eigendecompositions)
     */
    void precondition(long step);

    /** Name and settings, e.g. {@code "kronecker(gamma=0.05, damping=1e-3, T_int=20)"}. */
    String describe();

    /** Adds everything that determines future results to {@code state}, names prefixed by {@code prefix}. */
    void exportState(OptimizerState state, String prefix);

    /**
     * Restores what {@link #exportState} wrote.
     *
     * @throws IllegalArgumentException naming the first missing or mis-sized entry; nothing is changed then
     */
    void importState(OptimizerState state, String prefix);
}
