package geodesic.nn;

import geodesic.tensor.Tensor;

/**
 * Views a batch {@code [N, d1, d2, ...]} as {@code [N, d1 * d2 * ...]} (row-major order, so an NCHW image becomes
 * its channels one after another). Forward and backward return views that share storage with their argument; no
 * values are copied.
 *
 * <p>Lifecycle, threading and failures as for every {@link Layer}.
 */
public final class Flatten extends LayerBase {
    private Tensor outputView;
    private Tensor inputGradientView;

    Flatten(String name, Shape inputShape) {
        super(name, inputShape, Shape.of(inputShape.size()));
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        outputView = view(outputView, x, outputShape, n);
        return outputView;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        return x.reshape(outputShape.withBatch(n));
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        inputGradientView = view(inputGradientView, dy, inputShape, n);
        return inputGradientView;
    }

    /** A cached view when {@code source} is the same storage as last step, so steady-state training allocates nothing. */
    private static Tensor view(Tensor cached, Tensor source, Shape shape, int n) {
        return cached != null && cached.data() == source.data() ? cached : source.reshape(shape.withBatch(n));
    }

    @Override
    public void initialize(long seed) {
    }
}
