package geodesic.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}: every epoch's metrics in order, and whether a listener stopped early.
 *
 * @param epochs      metrics of each completed epoch
 * @param stoppedEarly whether a listener asked to stop before the planned last epoch
 */
public record TrainingResult(List<EpochMetrics> epochs, boolean stoppedEarly) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch's metrics. @throws IllegalStateException if no epoch completed */
    public EpochMetrics last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch completed");
        }
        return epochs.get(epochs.size() - 1);
    }
}
