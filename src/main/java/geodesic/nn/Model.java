package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A trainable network mapping a batch {@code [N, inputShape...]} to logits {@code [N, outputShape...]}.
 *
 * <p><b>Training step.</b> {@code forward(x, TRAIN)}, then a loss (e.g. {@link CrossEntropyLoss}) gives
 * {@code dL/dlogits}, then {@link #backward(Tensor)} adds the gradients of the loss to every
 * {@link Parameter#grad()}; an optimizer reads them and updates {@link Parameter#value()} in place, and
 * {@link #zeroGrad()} clears them for the next step. Gradients accumulate across backward calls until cleared.
 *
 * <p><b>Threading.</b> Training ({@code forward(x, TRAIN)}, {@code backward}, {@code zeroGrad},
 * {@code initialize}, parameter updates) must come from one thread at a time; it writes layer-owned buffers.
 * {@link #predict(Tensor)} and {@code forward(x, EVAL)} write only tensors they allocate and may be called from any
 * number of threads at once, but not while training is in progress.
 *
 * <p><b>Failures.</b> A batch of the wrong shape throws {@link IllegalArgumentException} naming the layer and both
 * shapes. Arguments are never null.
 */
public interface Model {

    /** Shape of one input example, e.g. {@code [1, 28, 28]}. */
    Shape inputShape();

    /** Shape of one output example, e.g. {@code [10]}. */
    Shape outputShape();

    /**
     * Runs the network.
     *
     * @param x    {@code [N, inputShape...]}, read; in TRAIN mode the caller must not modify it until backward
     * @param mode TRAIN keeps what backward needs and returns a model-owned tensor valid until the next training
     *             forward; EVAL returns a new tensor and is thread-safe
     * @return logits {@code [N, outputShape...]}
     * @throws IllegalArgumentException if {@code x} is not {@code [N, inputShape...]}
     */
    Tensor forward(Tensor x, Mode mode);

    /**
     * Thread-safe inference, {@code forward(x, Mode.EVAL)}: a new tensor that shares no storage with {@code x}.
     *
     * @param x {@code [N, inputShape...]}, read
     * @return logits {@code [N, outputShape...]}
     * @throws IllegalArgumentException if {@code x} is not {@code [N, inputShape...]}
     */
    Tensor predict(Tensor x);

    /**
     * Back-propagates {@code dL/dlogits} through the last training forward, adding to every parameter gradient.
     *
     * @param outputGradient {@code [N, outputShape...]} with the batch size of the last training forward; read and
     *                       retained (by the last layer's Kronecker factors) until the next training forward
     * @throws IllegalStateException    if there was no training forward
     * @throws IllegalArgumentException if {@code outputGradient} has the wrong shape
     */
    void backward(Tensor outputGradient);

    /** The layers in order. */
    List<Layer> layers();

    /** All trainable parameters in layer order, each layer's weight before its bias. */
    List<Parameter> parameters();

    /**
     * Non-trainable state for checkpoints, such as BatchNorm running statistics, by name in layer order; the
     * tensors themselves.
     */
    Map<String, Tensor> buffers();

    /**
     * The layers that expose Kronecker factors (Dense and Conv2d) in layer order, for preconditioners; see
     * {@link KroneckerFactorSource}.
     */
    List<KroneckerFactorSource> kroneckerFactorSources();

    /** Sets every parameter gradient to zero. */
    void zeroGrad();

    /**
     * Re-initializes every layer deterministically from {@code seed}: parameters, gradients, buffers and dropout
     * generators; the same seed gives a bitwise identical model.
     */
    void initialize(long seed);

    /** Total number of trainable scalars. */
    long parameterCount();

    /** A multi-line table: each layer's name, type, output shape and parameter count, then the total. */
    String summary();
}
