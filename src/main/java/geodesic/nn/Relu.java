package geodesic.nn;

import geodesic.tensor.Tensor;

/**
 * Rectified linear unit {@code y = max(x, 0)}, element-wise, any example shape; backward passes {@code dy} where
 * {@code y > 0} and zero elsewhere (the subgradient 0 at {@code x == 0}).
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}.
 */
public final class Relu extends LayerBase {
    private final Kernels kernels;
    private Tensor output;
    private Tensor inputGradient;

    Relu(String name, Shape shape, Kernels kernels) {
        super(name, shape, shape);
        this.kernels = kernels;
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        output = reuse(output, outputShape, n);
        kernels.elementwise().relu(x.size(), x.data(), 0, output.data(), 0);
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        Tensor y = Tensor.zeros(outputShape.withBatch(n));
        kernels.elementwise().relu(x.size(), x.data(), 0, y.data(), 0);
        return y;
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        inputGradient = reuse(inputGradient, inputShape, n);
        kernels.elementwise().reluBackward(output.size(), output.data(), 0, dy.data(), 0, inputGradient.data(), 0);
        return inputGradient;
    }

    @Override
    public void initialize(long seed) {
    }
}
