package geodesic.data;

/**
 * Where a {@link BatchLoader} stands: the epoch and the index within it of the next batch it will return. Saving
 * this in a checkpoint and passing it to {@link BatchLoader#seek} resumes with exactly the batches that would have
 * followed.
 *
 * @param epoch the epoch, non-negative
 * @param batch index of the next batch within the epoch, non-negative
 */
public record BatchPosition(int epoch, int batch) {
    /** @throws IllegalArgumentException if either value is negative */
    public BatchPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("epoch and batch must be non-negative, got epoch " + epoch
                    + ", batch " + batch);
        }
    }
}
