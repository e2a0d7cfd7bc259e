package geodesic.train;

/**
 * One optimizer step, as reported to {@link TrainingListener#onStep}.
 *
 * @param epoch          1-based epoch
 * @param batch          0-based batch index within the epoch
 * @param batchesInEpoch number of batches in the epoch
 * @param globalStep     1-based count of steps since training started
 * @param loss           the mini-batch's mean loss before the step
 * @param imagesInEpoch  examples processed so far in this epoch
 * @param secondsInEpoch wall time of this epoch's steps so far
 */
public record StepMetrics(int epoch, int batch, int batchesInEpoch, long globalStep, double loss,
                          long imagesInEpoch, double secondsInEpoch) {
}
