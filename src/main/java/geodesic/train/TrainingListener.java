package geodesic.train;

/**
 * Observes training. All methods run on the thread that called {@link Trainer#fit}, between steps, so a listener
 * sees a consistent model; a slow listener slows training. An exception thrown by a listener stops training and
 * propagates from {@code fit}. Listeners are called in the order they were added.
 */
public interface TrainingListener {

    /** Before the first epoch. */
    default void onStart(TrainingPlan plan) {
    }

    /** After each optimizer step. */
    default void onStep(StepMetrics step) {
    }

    /**
     * After a batch was skipped because its loss or a gradient was not finite (only under
     * {@link NonFinitePolicy#skip(int)}); the model and optimizer are as before the batch.
     */
    default void onNonFinite(NonFiniteEvent event) {
    }

    /** After each epoch's evaluation. */
    default void onEpoch(EpochMetrics metrics) {
    }

    /** Whether training should stop after the epoch just reported; asked after {@link #onEpoch}. */
    default boolean shouldStop() {
        return false;
    }

    /** After the last epoch, also when a listener stopped training early. */
    default void onFinish(TrainingResult result) {
    }
}
