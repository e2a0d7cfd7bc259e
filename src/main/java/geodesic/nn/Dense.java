package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.List;

/**
 * Fully connected layer {@code y = x W + b}: input {@code [N, in]}, weight {@code W [in, out]} (the paper's "in x
 * out" orientation), bias {@code b [out]}, output {@code [N, out]}, all row-major.
 *
 * <p>Backward accumulates {@code dW += x^T dy} and {@code db += column sums of dy}, and computes
 * {@code dx = dy W^T}. As a {@link KroneckerFactorSource} it exposes {@code x} itself as the inputs and {@code dy}
 * itself as the output gradients ({@code P = 1}), so capture costs nothing.
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}.
 */
public final class Dense extends LayerBase implements KroneckerFactorSource {
    private final int in;
    private final int out;
    private final WeightInit init;
    private final Kernels kernels;
    private final Parameter weight;
    private final Parameter bias;
    private final KroneckerCapture capture;
    private Tensor input;
    private Tensor outputGradient;
    private Tensor outputGradientView;
    private Tensor output;
    private Tensor inputGradient;

    /**
     * A dense layer with zero parameters; call {@link #initialize(long)} before use.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    Dense(String name, int in, int out, WeightInit init, Kernels kernels) {
        super(name, Shape.of(in), Shape.of(out));
        this.in = in;
        this.out = out;
        this.init = init;
        this.kernels = kernels;
        this.weight = Parameter.zeros(name + ".weight", in, out);
        this.bias = Parameter.zeros(name + ".bias", out);
        this.capture = new KroneckerCapture(name);
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        capture.forwardStarted();
        output = reuse(output, outputShape, n);
        affine(x, n, output);
        input = x;
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        Tensor y = Tensor.zeros(n, out);
        affine(x, n, y);
        return y;
    }

    private void affine(Tensor x, int n, Tensor y) {
        kernels.matMul().gemm(false, false, n, out, in, 1f, x.data(), 0, in, weight.value().data(), 0, out,
                0f, y.data(), 0, out);
        kernels.elementwise().addRowBias(n, out, bias.value().data(), 0, y.data(), 0);
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        float[] g = dy.data();
        kernels.matMul().gemm(true, false, in, out, n, 1f, input.data(), 0, in, g, 0, out,
                1f, weight.grad().data(), 0, out);
        kernels.elementwise().columnSums(n, out, g, 0, bias.grad().data(), 0, true);
        Tensor dx = null;
        if (needInputGradient) {
            inputGradient = reuse(inputGradient, inputShape, n);
            kernels.matMul().gemm(false, true, n, in, out, 1f, g, 0, out, weight.value().data(), 0, out,
                    0f, inputGradient.data(), 0, in);
            dx = inputGradient;
        }
        outputGradient = dy;
        capture.backwardCompleted();
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public void initialize(long seed) {
        init.fill(weight.value().data(), in, out, seed);
        bias.value().fillInPlace(0f);
        weight.grad().fillInPlace(0f);
        bias.grad().fillInPlace(0f);
    }

    /** The weight initialization scheme chosen when the model was built. */
    public WeightInit weightInit() {
        return init;
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    @Override
    public Parameter bias() {
        return bias;
    }

    @Override
    public int inputDim() {
        return in;
    }

    @Override
    public int outputDim() {
        return out;
    }

    @Override
    public int positions() {
        return 1;
    }

    @Override
    public void setKroneckerCapture(boolean enabled) {
        capture.setEnabled(enabled);
    }

    @Override
    public boolean kroneckerCapture() {
        return capture.enabled();
    }

    @Override
    public int examples() {
        capture.requireValid();
        return trainingBatch;
    }

    @Override
    public Tensor inputs() {
        capture.requireValid();
        return input;
    }

    @Override
    public Tensor outputGradients() {
        capture.requireValid();
        if (outputGradientView == null || outputGradientView.data() != outputGradient.data()) {
            outputGradientView = outputGradient.reshape(trainingBatch, out, 1);
        }
        return outputGradientView;
    }
}
