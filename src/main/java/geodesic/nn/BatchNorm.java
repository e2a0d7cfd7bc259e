package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the first dimension of each example: for an NCHW image {@code [C, H, W]} each channel is
 * normalized over the batch and all positions (BatchNorm2d); for a vector {@code [F]} each feature over the batch
 * (BatchNorm1d). With {@code m} the count of values per channel ({@code N * H * W} or {@code N}):
 * <pre>
 *   y = weight * (x - mean) / sqrt(var + epsilon) + bias
 * </pre>
 * where {@link Mode#TRAIN} uses the batch mean and biased batch variance and {@link Mode#EVAL} uses the running
 * estimates. Each training forward updates {@code running = (1 - momentum) * running + momentum * batch}, using the
 * unbiased variance {@code var * m / (m - 1)} for the running variance. Parameters: {@code weight [C]} (starts at
 * 1) and {@code bias [C]} (starts at 0); buffers: {@code runningMean [C]} (starts at 0) and {@code runningVar [C]}
 * (starts at 1). Statistics are accumulated in double.
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}; a training batch with a single value
 * per channel ({@code m == 1}) throws {@link IllegalArgumentException}, since its variance is undefined.
 */
public final class BatchNorm extends LayerBase {
    private final int channels;
    private final int spatial;
    private final float momentum;
    private final float epsilon;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final float[] invStd;
    private Tensor normalized;
    private Tensor output;
    private Tensor inputGradient;

    /**
     * A batch norm layer; call {@link #initialize(long)} to set its parameters and running statistics.
     *
     * @throws IllegalArgumentException if {@code momentum} is not in {@code [0, 1]} or {@code epsilon} is not
     *                                  positive
     */
    BatchNorm(String name, Shape shape, float momentum, float epsilon) {
        super(name, shape, shape);
        requireHyperparameters(name, momentum, epsilon);
        this.channels = shape.dim(0);
        this.spatial = shape.size() / channels;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.weight = Parameter.zeros(name + ".weight", channels);
        this.bias = Parameter.zeros(name + ".bias", channels);
        this.runningMean = Tensor.zeros(channels);
        this.runningVar = Tensor.zeros(channels);
        this.invStd = new float[channels];
    }

    static void requireHyperparameters(String name, float momentum, float epsilon) {
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException(name + ": momentum must be in [0, 1], got " + momentum);
        }
        if (!(epsilon > 0f)) {
            throw new IllegalArgumentException(name + ": epsilon must be positive, got " + epsilon);
        }
    }

    /** The running-average factor for the batch statistics. */
    public float momentum() {
        return momentum;
    }

    /** The constant added to the variance before the square root. */
    public float epsilon() {
        return epsilon;
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        long m = (long) n * spatial;
        if (m < 2) {
            throw new IllegalArgumentException(name() + ": training needs more than one value per channel, got input "
                    + Arrays.toString(x.shape()));
        }
        normalized = reuse(normalized, outputShape, n);
        output = reuse(output, outputShape, n);
        float[] xd = x.data();
        float[] xh = normalized.data();
        float[] y = output.data();
        float[] g = weight.value().data();
        float[] b = bias.value().data();
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int e = 0; e < n; e++) {
                int base = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    sum += xd[base + s];
                }
            }
            double mean = sum / m;
            double squares = 0;
            for (int e = 0; e < n; e++) {
                int base = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    double d = xd[base + s] - mean;
                    squares += d * d;
                }
            }
            double var = squares / m;
            double inv = 1.0 / Math.sqrt(var + epsilon);
            invStd[c] = (float) inv;
            float fm = (float) mean;
            float fi = (float) inv;
            for (int e = 0; e < n; e++) {
                int base = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    float v = (xd[base + s] - fm) * fi;
                    xh[base + s] = v;
                    y[base + s] = g[c] * v + b[c];
                }
            }
            rm[c] = (float) ((1 - momentum) * rm[c] + momentum * mean);
            rv[c] = (float) ((1 - momentum) * rv[c] + momentum * var * m / (m - 1));
        }
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        Tensor out = Tensor.zeros(outputShape.withBatch(n));
        float[] xd = x.data();
        float[] y = out.data();
        float[] g = weight.value().data();
        float[] b = bias.value().data();
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++) {
            float scale = (float) (g[c] / Math.sqrt(rv[c] + (double) epsilon));
            float shift = b[c] - rm[c] * scale;
            for (int e = 0; e < n; e++) {
                int base = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    y[base + s] = xd[base + s] * scale + shift;
                }
            }
        }
        return out;
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        long m = (long) n * spatial;
        float[] g = dy.data();
        float[] xh = normalized.data();
        float[] gamma = weight.value().data();
        float[] dGamma = weight.grad().data();
        float[] dBeta = bias.grad().data();
        float[] dx = null;
        if (needInputGradient) {
            inputGradient = reuse(inputGradient, inputShape, n);
            dx = inputGradient.data();
        }
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++) {
            double sumDy = 0;
            double sumDyXh = 0;
            for (int e = 0; e < n; e++) {
                int base = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    sumDy += g[base + s];
                    sumDyXh += (double) g[base + s] * xh[base + s];
                }
            }
            dGamma[c] += (float) sumDyXh;
            dBeta[c] += (float) sumDy;
            if (dx != null) {
                // Every x moves the batch mean and variance too, hence the two mean terms subtracted from dy.
                float scale = gamma[c] * invStd[c];
                float meanDy = (float) (sumDy / m);
                float meanDyXh = (float) (sumDyXh / m);
                for (int e = 0; e < n; e++) {
                    int base = e * stride + c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        dx[base + s] = scale * (g[base + s] - meanDy - xh[base + s] * meanDyXh);
                    }
                }
            }
        }
        return needInputGradient ? inputGradient : null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put(name() + ".runningMean", runningMean);
        b.put(name() + ".runningVar", runningVar);
        return Collections.unmodifiableMap(b);
    }

    @Override
    public void initialize(long seed) {
        weight.value().fillInPlace(1f);
        bias.value().fillInPlace(0f);
        weight.grad().fillInPlace(0f);
        bias.grad().fillInPlace(0f);
        runningMean.fillInPlace(0f);
        runningVar.fillInPlace(1f);
    }
}
