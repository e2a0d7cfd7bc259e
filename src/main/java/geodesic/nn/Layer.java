package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One stage of a {@link Sequential} model, mapping a batch of shape {@code [N, inputShape...]} to a batch of shape
 * {@code [N, outputShape...]} (row-major, images NCHW).
 *
 * <p><b>Lifecycle.</b> A training step is {@code forward(x, TRAIN)} then {@code backward(dy, ...)} with {@code dy}
 * shaped like that forward's output. Backward accumulates into the parameter gradients. Layers are built by
 * {@link Sequential.Builder}, which also initializes them.
 *
 * <p><b>Memory.</b> In {@link Mode#TRAIN} a layer writes its output and its input gradient into buffers it owns and
 * reuses while the batch size stays the same; they are valid until the layer's next training forward or backward
 * respectively. A training forward keeps a reference to {@code x} (not a copy) for backward, so the caller must not
 * modify {@code x} until backward has run. In {@link Mode#EVAL} the output is a new tensor, or a view of {@code x}
 * for layers that do not change values ({@link Flatten}, {@link Dropout}), and nothing is retained.
 *
 * <p><b>Threading.</b> Training calls must come from one thread at a time. Eval forwards may run concurrently with
 * each other, but not with training.
 *
 * <p><b>Failures.</b> A tensor of the wrong shape throws {@link IllegalArgumentException} naming the layer and both
 * shapes; backward without a preceding training forward throws {@link IllegalStateException}. Arguments are never
 * null.
 */
public sealed interface Layer permits LayerBase {

    /** Unique name within the model, e.g. {@code "conv1"}; parameters are named {@code name + ".weight"}. */
    String name();

    /** Shape of one input example. */
    Shape inputShape();

    /** Shape of one output example. */
    Shape outputShape();

    /**
     * Computes the layer on a batch.
     *
     * @param x    {@code [N, inputShape...]}, {@code N >= 1}
     * @param mode {@link Mode#TRAIN} to keep what backward needs (layer-owned output), {@link Mode#EVAL} for a
     *             thread-safe inference pass (new output)
     * @return {@code [N, outputShape...]}
     * @throws IllegalArgumentException if {@code x} is not {@code [N, inputShape...]}
     */
    Tensor forward(Tensor x, Mode mode);

    /**
     * Back-propagates the gradient of the loss through the last training forward: adds the parameter gradients
     * to {@link Parameter#grad()} and, when asked, computes the input gradient.
     *
     * @param outputGradient    {@code [N, outputShape...]} with the batch size of the last training forward; read,
     *                          not modified, and (for {@link KroneckerFactorSource}s) retained until the next
     *                          training forward
     * @param needInputGradient false for the first layer of a model, whose input gradient nobody reads; the layer
     *                          then skips that work
     * @return {@code [N, inputShape...]} in a layer-owned buffer (or a view of {@code outputGradient} for
     *         {@link Flatten}), or {@code null} exactly when {@code needInputGradient} is false
     * @throws IllegalStateException    if there was no training forward since construction
     * @throws IllegalArgumentException if {@code outputGradient} is not shaped like the last training output
     */
    Tensor backward(Tensor outputGradient, boolean needInputGradient);

    /** The trainable parameters, weight before bias; empty for layers without any. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Non-trainable state that belongs in a checkpoint, by name (e.g. {@code "bn1.runningMean"}); the tensors
     * themselves, not copies. Empty for layers without any.
     */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }

    /**
     * Resets the parameters, gradients, buffers and random state to their deterministic initial values derived from
     * {@code seed}: the same seed gives bitwise the same layer.
     */
    void initialize(long seed);
}
