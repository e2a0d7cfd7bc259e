package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.Arrays;

/**
 * Shape checking, mode dispatch and buffer reuse shared by all layers; the layers implement the three passes.
 *
 * <p>Maintainer note: {@link #forward} and {@link #backward} are the only entry points and do every check, so the
 * pass methods trust their arguments. {@link #trainingBatch} is the batch size of the last training forward, or
 * {@code -1} before the first one.
 */
abstract sealed class LayerBase implements Layer
        permits Dense, Conv2d, Relu, MaxPool2d, Flatten, Dropout, BatchNorm {
    private final String name;
    final Shape inputShape;
    final Shape outputShape;
    int trainingBatch = -1;

    LayerBase(String name, Shape inputShape, Shape outputShape) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("layer name must not be blank");
        }
        this.name = name;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Shape inputShape() {
        return inputShape;
    }

    @Override
    public final Shape outputShape() {
        return outputShape;
    }

    @Override
    public final Tensor forward(Tensor x, Mode mode) {
        if (!inputShape.matchesBatch(x)) {
            throw new IllegalArgumentException(name + " input: expected " + inputShape.toBatchString() + " but got "
                    + Arrays.toString(x.shape()));
        }
        int n = x.dim(0);
        if (mode == Mode.EVAL) {
            return inferenceForward(x, n);
        }
        Tensor y = trainingForward(x, n);
        trainingBatch = n;
        return y;
    }

    @Override
    public final Tensor backward(Tensor outputGradient, boolean needInputGradient) {
        if (trainingBatch < 0) {
            throw new IllegalStateException(name + ": backward called before any training forward");
        }
        if (!outputShape.matchesBatch(outputGradient) || outputGradient.dim(0) != trainingBatch) {
            throw new IllegalArgumentException(name + " output gradient: expected "
                    + Arrays.toString(outputShape.withBatch(trainingBatch)) + " (the last training output) but got "
                    + Arrays.toString(outputGradient.shape()));
        }
        return trainingBackward(outputGradient, trainingBatch, needInputGradient);
    }

    /** The training pass: may keep {@code x}, writes into owned buffers. */
    abstract Tensor trainingForward(Tensor x, int n);

    /** The inference pass: writes only into tensors it allocates, reads shared state only. */
    abstract Tensor inferenceForward(Tensor x, int n);

    /** Backward through the last training forward of batch {@code n}; {@code null} when no input gradient is asked. */
    abstract Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient);

    /** {@code buffer} if it already holds a batch of {@code n} examples of {@code shape}, else a new zero tensor. */
    static Tensor reuse(Tensor buffer, Shape shape, int n) {
        return buffer != null && buffer.dim(0) == n ? buffer : Tensor.zeros(shape.withBatch(n));
    }
}
