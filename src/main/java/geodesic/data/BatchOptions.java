package geodesic.data;

/**
 * How a {@link BatchLoader} cuts an epoch into mini-batches.
 *
 * @param batchSize examples per full batch, positive
 * @param shuffle   whether each epoch visits the examples in a fresh seeded order (else in dataset order)
 * @param dropLast  whether a final batch smaller than {@code batchSize} is dropped (else it is kept)
 * @param seed      seed of the per-epoch orders; see {@link SeededOrder#forEpoch}
 */
public record BatchOptions(int batchSize, boolean shuffle, boolean dropLast, long seed) {
    /** @throws IllegalArgumentException if {@code batchSize} is not positive */
    public BatchOptions {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
    }

    /** Shuffled batches of {@code batchSize}, keeping the last partial batch. */
    public static BatchOptions shuffled(int batchSize, long seed) {
        return new BatchOptions(batchSize, true, false, seed);
    }

    /** Batches in dataset order, keeping the last partial batch: for evaluation. */
    public static BatchOptions sequential(int batchSize) {
        return new BatchOptions(batchSize, false, false, 0);
    }
}
