package geodesic.nn;

import geodesic.kernel.AdamStep;
import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Device;
import geodesic.kernel.DeviceBuffer;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.Pool2dGeometry;
import geodesic.kernel.SgdStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Sequential} moved onto a {@link Device}: its parameters, their gradients, every activation and the
 * optimizer state live in the device's buffers, and a training step uploads one batch, runs every layer there and
 * returns the loss, with no host round trip per layer.
 *
 * <p><b>Moving a model.</b> {@link #of} copies the model's current parameters to the device; the model itself is
 * not changed until {@link #copyParametersTo} copies them back. Supported layers are {@link Conv2d}, {@link Relu},
 * {@link MaxPool2d}, {@link Flatten} and {@link Dense} (the reference CNN and the MLP); the loss is softmax
 * cross-entropy on the last layer's output.
 *
 * <p><b>Arithmetic.</b> The same as the layers': on the CPU device the forward pass and the gradients equal
 * {@link Sequential}'s up to float32 summation order (bias and convolution weight gradients are summed per step
 * instead of accumulated into the model's gradient tensors); updates are the fused {@code SgdStep},
 * {@code MomentumStep} and {@code AdamStep} formulas of {@code geodesic.kernel.Elementwise}.
 *
 * <p><b>Shapes.</b> Inputs are {@code x[batch][inputShape]} flattened row-major (NCHW for images), labels
 * {@code [batch]} in {@code [0, classes)}, with {@code 1 <= batch <= maxBatch}.
 *
 * <p><b>Threading.</b> Not thread-safe, like the device it runs on. {@link #close()} frees the buffers (not the
 * device) and is idempotent.
 */
public final class DeviceModel implements AutoCloseable {
    private final Device device;
    private final Sequential model;
    private final int maxBatch;
    private final int inputSize;
    private final int classes;
    private final List<Stage> stages;
    private final List<Slot> slots;
    private final DeviceBuffer input;
    private final DeviceBuffer logitGradient;
    private final List<DeviceBuffer> owned;
    private boolean closed;

    private DeviceModel(Device device, Sequential model, int maxBatch) {
        this.device = device;
        this.model = model;
        this.maxBatch = maxBatch;
        this.owned = new ArrayList<>();
        this.slots = new ArrayList<>();
        this.inputSize = model.inputShape().size();
        this.classes = model.outputShape().size();
        this.stages = new ArrayList<>();
        this.input = buffer((long) maxBatch * inputSize);
        for (Layer layer : model.layers()) {
            stages.add(stage(layer));
        }
        this.logitGradient = buffer((long) maxBatch * classes);
        uploadParameters();
    }

    /**
     * Moves {@code model} onto {@code device}, with activation buffers for batches of up to {@code maxBatch}.
     *
     * @throws IllegalArgumentException if {@code maxBatch < 1}, a layer has no device implementation (naming it), or
     *                                  a buffer would exceed {@code Integer.MAX_VALUE} floats
     */
    public static DeviceModel of(Sequential model, Device device, int maxBatch) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        return new DeviceModel(device, model, maxBatch);
    }

    /** The device the model runs on. */
    public Device device() {
        return device;
    }

    /**
     * Uploads {@code x} and {@code labels}, runs forward, softmax cross-entropy and backward on the device, and
     * leaves the parameter gradients (overwritten, not accumulated) in device memory.
     *
     * @return the batch's mean loss
     * @throws IllegalArgumentException if {@code batch} is outside {@code [1, maxBatch]}, an array is too short or a
     *                                  label is out of range
     */
    public double forwardBackward(float[] x, int[] labels, int batch) {
        checkBatch(batch, x);
        if (labels.length < batch) {
            throw new IllegalArgumentException("labels must have at least " + batch + " entries, got " + labels.length);
        }
        DeviceBuffer h = forwardOnDevice(x, batch);
        double loss = device.softmaxCrossEntropy(batch, classes, h, labels, logitGradient);
        DeviceBuffer g = logitGradient;
        for (int i = stages.size() - 1; i >= 0; i--) {
            g = stages.get(i).backward(g, batch, i > 0);
        }
        return loss;
    }

    /** {@link #forwardBackward} then one plain SGD step on every parameter. @return the mean loss */
    public double trainStep(float[] x, int[] labels, int batch, SgdStep step) {
        double loss = forwardBackward(x, labels, batch);
        for (Slot s : slots) {
            device.sgdUpdate(s.size, s.value, s.grad, step);
        }
        return loss;
    }

    /** {@link #forwardBackward} then one momentum SGD step (state kept on the device). @return the mean loss */
    public double trainStep(float[] x, int[] labels, int batch, MomentumStep step) {
        double loss = forwardBackward(x, labels, batch);
        for (Slot s : slots) {
            device.momentumUpdate(s.size, s.value, s.grad, s.state(0), step);
        }
        return loss;
    }

    /** {@link #forwardBackward} then one Adam step (moments kept on the device). @return the mean loss */
    public double trainStep(float[] x, int[] labels, int batch, AdamStep step) {
        double loss = forwardBackward(x, labels, batch);
        for (Slot s : slots) {
            device.adamUpdate(s.size, s.value, s.grad, s.state(0), s.state(1), step);
        }
        return loss;
    }

    /**
     * Evaluation forward pass: writes {@code logits[batch][classes]} to {@code out}.
     *
     * @throws IllegalArgumentException if {@code batch} is outside {@code [1, maxBatch]} or an array is too short
     */
    public void predict(float[] x, int batch, float[] out) {
        checkBatch(batch, x);
        if (out.length < batch * classes) {
            throw new IllegalArgumentException("out must hold " + batch + " x " + classes + " logits, got "
                    + out.length);
        }
        device.download(forwardOnDevice(x, batch), 0, out, 0, batch * classes);
    }

    /** Copies the device's parameters into {@code model}'s parameter tensors (same layout), in place. */
    public void copyParametersTo(Sequential target) {
        copy(target, true);
    }

    /** Copies the device's last gradients into {@code model}'s gradient tensors, overwriting them. */
    public void copyGradientsTo(Sequential target) {
        copy(target, false);
    }

    /** Frees the buffers; the device stays open. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owned.forEach(DeviceBuffer::close);
        }
    }

    private void copy(Sequential target, boolean values) {
        List<Parameter> ps = target.parameters();
        if (ps.size() != slots.size()) {
            throw new IllegalArgumentException("target has " + ps.size() + " parameters, the device model "
                    + slots.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            Slot s = slots.get(i);
            if (p.size() != s.size) {
                throw new IllegalArgumentException("parameter " + p.name() + " has " + p.size() + " elements, its"
                        + " device copy " + s.size);
            }
            device.download(values ? s.value : s.grad, 0, (values ? p.value() : p.grad()).data(), 0, s.size);
        }
    }

    private void uploadParameters() {
        List<Parameter> ps = model.parameters();
        for (int i = 0; i < ps.size(); i++) {
            device.upload(ps.get(i).value().data(), 0, slots.get(i).value, 0, slots.get(i).size);
        }
    }

    private DeviceBuffer forwardOnDevice(float[] x, int batch) {
        device.upload(x, 0, input, 0, batch * inputSize);
        DeviceBuffer h = input;
        for (Stage s : stages) {
            h = s.forward(h, batch);
        }
        return h;
    }

    private void checkBatch(int batch, float[] x) {
        if (closed) {
            throw new IllegalStateException("device model used after close()");
        }
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, " + maxBatch + "], got " + batch);
        }
        if (x.length < batch * inputSize) {
            throw new IllegalArgumentException("x must hold " + batch + " x " + inputSize + " floats, got "
                    + x.length);
        }
    }

    private DeviceBuffer buffer(long length) {
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a device buffer of " + length + " floats is too large; use a smaller"
                    + " maxBatch than " + maxBatch);
        }
        DeviceBuffer b = device.allocate((int) length);
        owned.add(b);
        return b;
    }

    private Slot slot(Parameter p) {
        Slot s = new Slot(p.size(), buffer(p.size()), buffer(p.size()));
        slots.add(s);
        return s;
    }

    private Stage stage(Layer layer) {
        return switch (layer) {
            case Dense d -> new DenseStage(d.inputShape().size(), d.outputShape().size(), slot(d.weight()),
                    slot(d.bias()));
            case Conv2d c -> new ConvStage(c.geometry(), slot(c.parameters().get(0)), slot(c.parameters().get(1)));
            case Relu r -> new ReluStage(r.outputShape().size());
            case MaxPool2d m -> new PoolStage(m.geometry());
            case Flatten f -> new FlattenStage();
            default -> throw new IllegalArgumentException("layer " + layer.name() + " (" + layer.getClass()
                    .getSimpleName() + ") has no device implementation; supported: Conv2d, Relu, MaxPool2d,"
                    + " Flatten, Dense");
        };
    }

    /** A parameter's value and gradient on the device, and optimizer state allocated on first use. */
    private final class Slot {
        final int size;
        final DeviceBuffer value;
        final DeviceBuffer grad;
        private final DeviceBuffer[] state = new DeviceBuffer[2];

        Slot(int size, DeviceBuffer value, DeviceBuffer grad) {
            this.size = size;
            this.value = value;
            this.grad = grad;
        }

        DeviceBuffer state(int i) {
            if (state[i] == null) {
                state[i] = buffer(size);
            }
            return state[i];
        }
    }

    private interface Stage {
        DeviceBuffer forward(DeviceBuffer x, int batch);

        /** The input gradient, or null when {@code needInputGradient} is false. */
        DeviceBuffer backward(DeviceBuffer dy, int batch, boolean needInputGradient);
    }

    private final class FlattenStage implements Stage {
        @Override
        public DeviceBuffer forward(DeviceBuffer x, int batch) {
            return x;
        }

        @Override
        public DeviceBuffer backward(DeviceBuffer dy, int batch, boolean needInputGradient) {
            return dy;
        }
    }

    private final class ReluStage implements Stage {
        final int size;
        final DeviceBuffer y;
        final DeviceBuffer dx;

        ReluStage(int size) {
            this.size = size;
            this.y = buffer((long) maxBatch * size);
            this.dx = buffer((long) maxBatch * size);
        }

        @Override
        public DeviceBuffer forward(DeviceBuffer x, int batch) {
            device.relu(batch * size, x, y);
            return y;
        }

        @Override
        public DeviceBuffer backward(DeviceBuffer dy, int batch, boolean needInputGradient) {
            if (!needInputGradient) {
                return null;
            }
            device.reluBackward(batch * size, y, dy, dx);
            return dx;
        }
    }

    private final class PoolStage implements Stage {
        final Pool2dGeometry g;
        final DeviceBuffer y;
        final DeviceBuffer dx;
        DeviceBuffer x;

        PoolStage(Pool2dGeometry g) {
            this.g = g;
            this.y = buffer((long) maxBatch * g.outputSize());
            this.dx = buffer((long) maxBatch * g.inputSize());
        }

        @Override
        public DeviceBuffer forward(DeviceBuffer in, int batch) {
            x = in;
            device.maxPool(g, batch, in, y);
            return y;
        }

        @Override
        public DeviceBuffer backward(DeviceBuffer dy, int batch, boolean needInputGradient) {
            if (!needInputGradient) {
                return null;
            }
            device.maxPoolBackward(g, batch, x, dy, dx);
            return dx;
        }
    }

    private final class DenseStage implements Stage {
        final int in;
        final int out;
        final Slot weight;
        final Slot bias;
        final DeviceBuffer y;
        final DeviceBuffer dx;
        DeviceBuffer x;

        DenseStage(int in, int out, Slot weight, Slot bias) {
            this.in = in;
            this.out = out;
            this.weight = weight;
            this.bias = bias;
            this.y = buffer((long) maxBatch * out);
            this.dx = buffer((long) maxBatch * in);
        }

        @Override
        public DeviceBuffer forward(DeviceBuffer input, int n) {
            x = input;
            device.gemm(false, false, n, out, in, 1f, input, 0, in, weight.value, 0, out, 0f, y, 0, out);
            device.addRowBias(n, out, bias.value, y);
            return y;
        }

        @Override
        public DeviceBuffer backward(DeviceBuffer dy, int n, boolean needInputGradient) {
            device.gemm(true, false, in, out, n, 1f, x, 0, in, dy, 0, out, 0f, weight.grad, 0, out);
            device.columnSums(n, out, dy, bias.grad, false);
            if (!needInputGradient) {
                return null;
            }
            device.gemm(false, true, n, in, out, 1f, dy, 0, out, weight.value, 0, out, 0f, dx, 0, in);
            return dx;
        }
    }

    /**
     * im2col plus batched GEMMs in the NCHW orientation of {@code geodesic.kernel.Conv2dKernel}: one product per
     * image, issued as one batched call; the weight gradient is summed over images from per-image partial products
     * in index order, so it does not depend on how the device schedules the batch.
     */
    private final class ConvStage implements Stage {
        final Conv2dGeometry g;
        final Slot weight;
        final Slot bias;
        final DeviceBuffer cols;
        final DeviceBuffer dcols;
        final DeviceBuffer weightParts;
        final DeviceBuffer y;
        final DeviceBuffer dx;

        ConvStage(Conv2dGeometry g, Slot weight, Slot bias) {
            this.g = g;
            this.weight = weight;
            this.bias = bias;
            long perImage = (long) g.positions() * g.patchSize();
            this.cols = buffer(maxBatch * perImage);
            this.dcols = buffer(maxBatch * perImage);
            this.weightParts = buffer((long) maxBatch * g.weightSize());
            this.y = buffer((long) maxBatch * g.outputSize());
            this.dx = buffer((long) maxBatch * g.inputSize());
        }

        @Override
        public DeviceBuffer forward(DeviceBuffer x, int n) {
            int p = g.positions(), patch = g.patchSize(), outC = g.outChannels();
            device.im2col(g, n, x, cols);
            // y_i [outC x P] = w^T cols_i^T for every image i, with the one w.
            device.gemmBatched(true, true, outC, p, patch, 1f, weight.value, 0, outC, 0, cols, 0, patch, p * patch,
                    0f, y, 0, p, outC * p, n);
            device.addChannelBias(n, outC, p, bias.value, y);
            return y;
        }

        @Override
        public DeviceBuffer backward(DeviceBuffer dy, int n, boolean needInputGradient) {
            int p = g.positions(), patch = g.patchSize(), outC = g.outChannels();
            // dw_i [patch x outC] = cols_i^T dy_i^T, then dw = sum_i dw_i.
            device.gemmBatched(true, true, patch, outC, p, 1f, cols, 0, patch, p * patch, dy, 0, p, outC * p, 0f,
                    weightParts, 0, outC, patch * outC, n);
            device.columnSums(n, patch * outC, weightParts, weight.grad, false);
            device.channelSums(n, outC, p, dy, bias.grad, false);
            if (!needInputGradient) {
                return null;
            }
            // dcols_i [P x patch] = dy_i^T w^T.
            device.gemmBatched(true, true, p, patch, outC, 1f, dy, 0, p, outC * p, weight.value, 0, outC, 0, 0f,
                    dcols, 0, patch, p * patch, n);
            device.col2im(g, n, dcols, dx);
            return dx;
        }
    }
}
