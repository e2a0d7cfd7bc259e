package geodesic.train;

/**
 * What {@link Trainer#fit} is about to do, for listeners that print or record it.
 *
 * @param epochs          epochs planned
 * @param batchesPerEpoch training batches per epoch
 * @param batchSize       examples per full batch
 * @param trainSize       training examples
 * @param optimizer       the optimizer's description
 * @param model           the model's one-line description
 */
public record TrainingPlan(int epochs, int batchesPerEpoch, int batchSize, int trainSize, String optimizer,
                           String model) {
}
