package geodesic.nn;

/**
 * Whether a forward pass trains or infers.
 *
 * <p>The two modes differ in what they compute and in what they may write: {@link #TRAIN} uses batch statistics in
 * {@link BatchNorm}, drops activations in {@link Dropout}, keeps what backward needs and writes into layer-owned
 * buffers (single-threaded per model); {@link #EVAL} uses running statistics, keeps nothing, writes only into
 * tensors it allocates and is safe to call from many threads at once.
 */
public enum Mode {
    /** Training: batch statistics, dropout, state kept for backward, layer-owned outputs. */
    TRAIN,
    /** Inference: running statistics, no dropout, nothing kept, new outputs; thread-safe. */
    EVAL
}
