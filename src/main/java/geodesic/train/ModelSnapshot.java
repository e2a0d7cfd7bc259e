package geodesic.train;

import geodesic.tensor.Tensor;

/**
 * One reader's hold on a model snapshot from a {@link ModelPublisher}: the weights of one training step, unchanged
 * until this handle is closed. Use with try-with-resources.
 *
 * <p><b>Threading.</b> A handle belongs to the thread that acquired it; many handles may hold the same snapshot and
 * predict on it concurrently. {@link #close()} is idempotent.
 */
public final class ModelSnapshot implements AutoCloseable {
    private final ModelPublisher publisher;
    private final ModelPublisher.Slot slot;
    private final long step;
    private boolean closed;

    ModelSnapshot(ModelPublisher publisher, ModelPublisher.Slot slot) {
        this.publisher = publisher;
        this.slot = slot;
        this.step = slot.step;
    }

    /** The global step whose weights this snapshot holds. */
    public long step() {
        return step;
    }

    /**
     * Inference in eval mode on this snapshot.
     *
     * @param x {@code [N, inputShape...]}, read
     * @return new logits {@code [N, outputShape...]}
     * @throws IllegalStateException    if this handle is closed
     * @throws IllegalArgumentException if {@code x} has the wrong shape
     */
    public Tensor predict(Tensor x) {
        if (closed) {
            throw new IllegalStateException("model snapshot of step " + step + " is closed");
        }
        return slot.model.predict(x);
    }

    /** Releases the hold; the snapshot may then be reused for a later step. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            publisher.release(slot);
        }
    }
}
