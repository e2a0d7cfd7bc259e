package geodesic.optim;

/**
 * An optimizer that acts on epoch boundaries, such as TSO-ALRA switching to SGD at an epoch or on a validation
 * plateau. The trainer calls {@link #onEpochEnd} after each epoch's evaluation, on the training thread.
 */
public interface EpochAware {

    /**
     * @param epoch          the 1-based epoch just finished
     * @param validationLoss its validation loss, or {@code NaN} when there is no validation set
     */
    void onEpochEnd(int epoch, double validationLoss);
}
