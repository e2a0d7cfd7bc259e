package geodesic.nn;

import geodesic.kernel.MaxPool2dKernel;
import geodesic.kernel.Pool2dGeometry;
import geodesic.tensor.Tensor;

/**
 * Max pooling over square windows with no padding, per channel of NCHW images: input {@code [N, C, H, W]}, output
 * {@code [N, C, (H - size) / stride + 1, (W - size) / stride + 1]}, computed by {@link MaxPool2dKernel}. Backward
 * routes each output gradient to the input that won its window (the first maximum in row-major window order on
 * ties); where windows overlap the gradients add up.
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}.
 */
public final class MaxPool2d extends LayerBase {
    private final Pool2dGeometry geometry;
    private final MaxPool2dKernel kernel;
    private int[] argmax;
    private Tensor output;
    private Tensor inputGradient;

    MaxPool2d(String name, Pool2dGeometry geometry, Kernels kernels) {
        super(name, Shape.of(geometry.channels(), geometry.height(), geometry.width()),
                Shape.of(geometry.channels(), geometry.outHeight(), geometry.outWidth()));
        this.geometry = geometry;
        this.kernel = new MaxPool2dKernel(geometry, kernels.parallelism(), kernels.provider());
    }

    /** The pooling shape: channels, input size, window and stride. */
    public Pool2dGeometry geometry() {
        return geometry;
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        output = reuse(output, outputShape, n);
        if (argmax == null || argmax.length != output.size()) {
            argmax = new int[output.size()];
        }
        kernel.forward(n, x.data(), output.data(), argmax);
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        Tensor y = Tensor.zeros(outputShape.withBatch(n));
        kernel.forward(n, x.data(), y.data(), new int[y.size()]);
        return y;
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        inputGradient = reuse(inputGradient, inputShape, n);
        kernel.backward(n, dy.data(), argmax, inputGradient.data());
        return inputGradient;
    }

    @Override
    public void initialize(long seed) {
    }
}
