package geodesic.train;

/**
 * What one epoch measured. Losses are mean negative log-likelihoods (nats per example); accuracies are fractions in
 * {@code [0, 1]}; a quantity that was not measured (no validation or test set) is {@code NaN}.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       mean of the training mini-batch losses over the epoch (in train mode, as it trained)
 * @param validationLoss  loss on the validation set in eval mode
 * @param validationAccuracy accuracy on the validation set
 * @param testLoss        loss on the test set in eval mode
 * @param testAccuracy    accuracy on the test set
 * @param learningRate    the learning rate used during the epoch
 * @param seconds         wall time of the epoch's training steps, excluding evaluation
 * @param totalSeconds    wall time since training started, including evaluation
 * @param images          training examples processed in the epoch
 */
public record EpochMetrics(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
                           double testLoss, double testAccuracy, double learningRate, double seconds,
                           double totalSeconds, long images) {

    /** Training throughput of the epoch in examples per second. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }
}
