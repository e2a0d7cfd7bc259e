package geodesic.nn;

import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Conv2dKernel;
import geodesic.tensor.Tensor;
import java.util.List;

/**
 * 2-D convolution with zero padding over NCHW images: input {@code [N, C, H, W]}, weight
 * {@code [C * kernelH * kernelW, outChannels]} (row {@code c * kernelH * kernelW + i * kernelW + j}, the "in x out"
 * orientation of {@link Dense}), bias {@code [outChannels]}, output {@code [N, outChannels, outH, outW]}, computed
 * as im2col plus GEMMs by {@link Conv2dKernel}, which builds each image's patches in a per-thread buffer and keeps
 * none.
 *
 * <p>A training forward keeps a reference to its input {@code x} (which the caller must leave unchanged until the
 * next training forward, as for every layer): backward rebuilds patches from it for the weight gradient. As a
 * {@link KroneckerFactorSource} the inputs matrix is the position-major patch matrix {@code [N * P, patchSize]}
 * ({@code P = outH * outW}), built into a layer-owned buffer for just the examples asked for, once per step. The
 * output gradient {@code dy [N, outChannels, outH, outW]} is the factor {@code g} viewed as {@code [N, outChannels, P]}.
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}.
 */
public final class Conv2d extends LayerBase implements KroneckerFactorSource {
    private final Conv2dGeometry geometry;
    private final WeightInit init;
    private final Kernels kernels;
    private final Conv2dKernel kernel;
    private final Parameter weight;
    private final Parameter bias;
    private final KroneckerCapture capture;
    private final float[] weightGradientStep;
    private final float[] biasGradientStep;
    private float[] patchGradients;
    private Tensor input;
    /** Kronecker inputs of examples {@code [patchesFirst, patchesFirst + patchesCount)}; count 0 when stale. */
    private Tensor patches;
    private int patchesFirst;
    private int patchesCount;
    private Tensor output;
    private Tensor inputGradient;
    private Tensor outputGradient;
    private Tensor outputGradientView;

    Conv2d(String name, Conv2dGeometry geometry, WeightInit init, Kernels kernels) {
        super(name, Shape.of(geometry.channels(), geometry.height(), geometry.width()),
                Shape.of(geometry.outChannels(), geometry.outHeight(), geometry.outWidth()));
        this.geometry = geometry;
        this.init = init;
        this.kernels = kernels;
        this.kernel = new Conv2dKernel(geometry, kernels.matMul(), kernels.parallelism(), kernels.provider());
        this.weight = Parameter.zeros(name + ".weight", geometry.patchSize(), geometry.outChannels());
        this.bias = Parameter.zeros(name + ".bias", geometry.outChannels());
        this.capture = new KroneckerCapture(name);
        this.weightGradientStep = new float[geometry.weightSize()];
        this.biasGradientStep = new float[geometry.outChannels()];
    }

    /** The convolution's shape: channels, sizes, kernel, stride and padding. */
    public Conv2dGeometry geometry() {
        return geometry;
    }

    /** The weight initialization scheme chosen when the model was built. */
    public WeightInit weightInit() {
        return init;
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        capture.forwardStarted();
        input = x;
        patchesCount = 0;
        output = reuse(output, outputShape, n);
        kernel.forward(n, x.data(), weight.value().data(), bias.value().data(), output.data());
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        Tensor y = Tensor.zeros(outputShape.withBatch(n));
        kernel.forward(n, x.data(), weight.value().data(), bias.value().data(), y.data());
        return y;
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        // The kernel overwrites its gradient outputs; parameter gradients accumulate across backward calls.
        kernel.backwardWeights(n, input.data(), dy.data(), weightGradientStep, biasGradientStep);
        kernels.elementwise().axpy(weightGradientStep.length, 1f, weightGradientStep, 0, weight.grad().data(), 0);
        kernels.elementwise().axpy(biasGradientStep.length, 1f, biasGradientStep, 0, bias.grad().data(), 0);
        Tensor dx = null;
        if (needInputGradient) {
            inputGradient = reuse(inputGradient, inputShape, n);
            int workspace = Conv2dKernel.dcolsLength(geometry, n);
            if (patchGradients == null || patchGradients.length != workspace) {
                patchGradients = new float[workspace];
            }
            kernel.backwardData(n, dy.data(), weight.value().data(), patchGradients, inputGradient.data());
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
        int taps = geometry.kernelH() * geometry.kernelW();
        init.fill(weight.value().data(), geometry.patchSize(), geometry.outChannels() * taps, seed);
        bias.value().fillInPlace(0f);
        weight.grad().fillInPlace(0f);
        bias.grad().fillInPlace(0f);
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
        return geometry.patchSize();
    }

    @Override
    public int outputDim() {
        return geometry.outChannels();
    }

    @Override
    public int positions() {
        return geometry.positions();
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
        return inputs(0, examples());
    }

    @Override
    public Tensor inputs(int first, int count) {
        capture.requireValid();
        if (first < 0 || count < 1 || first + count > trainingBatch) {
            throw new IllegalArgumentException("layer " + name() + ": examples [" + first + ", " + (first + count)
                    + ") are not a non-empty range inside the batch of " + trainingBatch);
        }
        if (patchesCount == count && patchesFirst == first) {
            return patches;
        }
        if (patches == null || patches.dim(0) != count * geometry.positions()) {
            patches = Tensor.zeros(count * geometry.positions(), geometry.patchSize());
        }
        kernel.patches(first, count, input.data(), patches.data());
        patchesFirst = first;
        patchesCount = count;
        return patches;
    }

    @Override
    public Tensor outputGradients() {
        capture.requireValid();
        if (outputGradientView == null || outputGradientView.data() != outputGradient.data()) {
            outputGradientView = outputGradient.reshape(trainingBatch, geometry.outChannels(), geometry.positions());
        }
        return outputGradientView;
    }
}
