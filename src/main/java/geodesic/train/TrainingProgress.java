package geodesic.train;

/**
 * Where training stands between two steps: everything besides the model and the optimizer that a resumed
 * {@link Trainer} needs to continue with exactly the batches, learning rates and epoch totals an uninterrupted run
 * would have seen.
 *
 * <p>The position names the <em>next</em> batch: {@code epoch} is 1-based and {@code batch} 0-based within it. A
 * {@code batch} equal to {@code batchesPerEpoch} means the epoch's steps are done but its end (evaluation,
 * listeners) is not; a resumed trainer then only finishes that epoch. The data order is a pure function of
 * {@code (seed, epoch)} ({@link geodesic.data.SeededOrder}), so the seed and the position are the whole data state.
 *
 * @param epoch           1-based epoch of the next batch
 * @param batch           0-based index of the next batch in that epoch, at most {@code batchesPerEpoch}
 * @param globalStep      optimizer steps taken since training started (skipped batches not counted)
 * @param seed            seed of the per-epoch batch orders
 * @param batchSize       examples per full batch
 * @param batchesPerEpoch batches in every epoch
 * @param trainSize       training examples
 * @param epochLossSum    sum over this epoch's steps so far of {@code loss * batch size}
 * @param epochImages     examples trained on in this epoch so far
 * @param skippedSteps    batches skipped for non-finite values since training started
 */
public record TrainingProgress(int epoch, int batch, long globalStep, long seed, int batchSize, int batchesPerEpoch,
                               int trainSize, double epochLossSum, long epochImages, long skippedSteps) {

    /**
     * @throws IllegalArgumentException naming the value if {@code epoch}, {@code batchSize}, {@code batchesPerEpoch}
     *                                  or {@code trainSize} is below 1, {@code batch} is outside
     *                                  {@code [0, batchesPerEpoch]}, a count is negative or the loss sum is not finite
     */
    public TrainingProgress {
        if (epoch < 1 || batchSize < 1 || batchesPerEpoch < 1 || trainSize < 1) {
            throw new IllegalArgumentException("epoch, batch size, batches per epoch and training size must be >= 1,"
                    + " got epoch " + epoch + ", batch size " + batchSize + ", batches per epoch " + batchesPerEpoch
                    + ", training size " + trainSize);
        }
        if (batch < 0 || batch > batchesPerEpoch) {
            throw new IllegalArgumentException("batch " + batch + " is outside [0, " + batchesPerEpoch + "]");
        }
        if (globalStep < 0 || epochImages < 0 || skippedSteps < 0) {
            throw new IllegalArgumentException("counts must be non-negative, got global step " + globalStep
                    + ", epoch images " + epochImages + ", skipped steps " + skippedSteps);
        }
        if (!Double.isFinite(epochLossSum)) {
            throw new IllegalArgumentException("epoch loss sum must be finite, got " + epochLossSum);
        }
    }

    /** Whether this is the start of an epoch, where the learning-rate schedule is applied. */
    public boolean atEpochStart() {
        return batch == 0;
    }
}
