package geodesic.train;

/**
 * What {@link Trainer} does when a step meets a NaN or infinity in the loss or in a gradient. Both are checked at
 * the step where they appear, before the optimizer changes anything.
 *
 * <ul>
 *   <li>{@link #stop()} (the default) throws a {@link NonFiniteException} naming the quantity, parameter, step,
 *       epoch and batch.</li>
 *   <li>{@link #skip(int)} discards the batch instead: no optimizer step, the gradients are cleared, the step
 *       counter does not advance, listeners get {@link TrainingListener#onNonFinite} and the skip is counted
 *       ({@link TrainingProgress#skippedSteps()}). Training stops with a {@link NonFiniteException} once more than
 *       {@code maxConsecutive} batches in a row were skipped, since a diverged model would otherwise skip every
 *       batch.</li>
 * </ul>
 * Non-finite values found inside the optimizer (its {@code step()} throwing {@link ArithmeticException}, e.g. for
 * preconditioner factors) and parameters the update made non-finite always stop training under either policy: the
 * step has already changed state, so it cannot be undone exactly.
 *
 * <p>Immutable and thread-safe.
 */
public final class NonFinitePolicy {
    private static final NonFinitePolicy STOP = new NonFinitePolicy(0);

    private final int maxConsecutive;

    private NonFinitePolicy(int maxConsecutive) {
        this.maxConsecutive = maxConsecutive;
    }

    /** Stop at the first non-finite loss or gradient. */
    public static NonFinitePolicy stop() {
        return STOP;
    }

    /**
     * Skip batches whose loss or gradient is not finite, stopping once more than {@code maxConsecutive} in a row
     * were skipped.
     *
     * @throws IllegalArgumentException if {@code maxConsecutive < 1}
     */
    public static NonFinitePolicy skip(int maxConsecutive) {
        if (maxConsecutive < 1) {
            throw new IllegalArgumentException("maxConsecutive must be >= 1, got " + maxConsecutive
                    + "; use NonFinitePolicy.stop() to skip nothing");
        }
        return new NonFinitePolicy(maxConsecutive);
    }

    /** Whether batches are skipped rather than stopping training. */
    public boolean skips() {
        return maxConsecutive > 0;
    }

    /** The most consecutive batches skipped before training stops; 0 for {@link #stop()}. */
    public int maxConsecutive() {
        return maxConsecutive;
    }

    @Override
    public String toString() {
        return skips() ? "skip(maxConsecutive=" + maxConsecutive + ")" : "stop";
    }
}
