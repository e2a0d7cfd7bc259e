package geodesic.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * The CPU {@link Device}: buffers are Java arrays and every operation is the {@link KernelProvider}'s kernel the
 * layers call directly ({@link MatMul}, {@link Elementwise}, {@link Im2col}, {@link MaxPool2dKernel},
 * {@link SoftmaxCrossEntropy}), so a model run through it computes what it computes on the host. GEMMs and pooling
 * split their work over the device's {@link Parallelism}; the rest runs on the calling thread.
 */
final class CpuDevice implements Device {
    private final KernelProvider provider;
    private final Parallelism parallelism;
    private final MatMul matMul;
    private final Elementwise elementwise;
    private int[] argmax = new int[0];
    private float[] pooled = new float[0];

    CpuDevice(KernelProvider provider, Parallelism parallelism) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.matMul = provider.matMul(parallelism);
        this.elementwise = provider.elementwise();
    }

    @Override
    public String name() {
        return Devices.CPU;
    }

    @Override
    public String description() {
        return "cpu: " + provider.description() + ", " + parallelism.threads() + " thread(s)";
    }

    @Override
    public DeviceBuffer allocate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("buffer length must be >= 1, got " + length);
        }
        return new HostBuffer(this, length);
    }

    @Override
    public void upload(float[] src, int srcOff, DeviceBuffer dst, int dstOff, int n) {
        float[] d = region("dst", dst, dstOff, n);
        System.arraycopy(src, srcOff, d, dstOff, n);
    }

    @Override
    public void download(DeviceBuffer src, int srcOff, float[] dst, int dstOff, int n) {
        float[] s = region("src", src, srcOff, n);
        System.arraycopy(s, srcOff, dst, dstOff, n);
    }

    @Override
    public void zero(DeviceBuffer x, int off, int n) {
        Arrays.fill(region("x", x, off, n), off, off + n, 0f);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int lda, DeviceBuffer b, int bOffset, int ldb,
                     float beta, DeviceBuffer c, int cOffset, int ldc) {
        matMul.gemm(transA, transB, m, n, k, alpha, array("a", a), aOffset, lda, array("b", b), bOffset, ldb, beta,
                array("c", c), cOffset, ldc);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            DeviceBuffer a, int aOffset, int lda, int strideA, DeviceBuffer b, int bOffset, int ldb,
                            int strideB, float beta, DeviceBuffer c, int cOffset, int ldc, int strideC, int count) {
        if (count < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("count and strides must be >= 0, got count=" + count + " strides "
                    + strideA + ", " + strideB + ", " + strideC);
        }
        float[] as = array("a", a), bs = array("b", b), cs = array("c", c);
        for (int i = 0; i < count; i++) {
            matMul.gemm(transA, transB, m, n, k, alpha, as, Math.addExact(aOffset, Math.multiplyExact(i, strideA)),
                    lda, bs, Math.addExact(bOffset, Math.multiplyExact(i, strideB)), ldb, beta, cs,
                    Math.addExact(cOffset, Math.multiplyExact(i, strideC)), ldc);
        }
    }

    @Override
    public void relu(int n, DeviceBuffer x, DeviceBuffer y) {
        elementwise.relu(n, array("x", x), 0, array("y", y), 0);
    }

    @Override
    public void reluBackward(int n, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx) {
        elementwise.reluBackward(n, array("y", y), 0, array("dy", dy), 0, array("dx", dx), 0);
    }

    @Override
    public void addRowBias(int rows, int cols, DeviceBuffer bias, DeviceBuffer x) {
        elementwise.addRowBias(rows, cols, array("bias", bias), 0, array("x", x), 0);
    }

    @Override
    public void addChannelBias(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer x) {
        float[] b = array("bias", bias);
        float[] xs = region("x", x, 0, (long) batch * channels * spatial);
        for (int n = 0; n < batch; n++) {
            elementwise.addChannelBias(channels, spatial, b, 0, xs, n * channels * spatial);
        }
    }

    @Override
    public void columnSums(int rows, int cols, DeviceBuffer x, DeviceBuffer out, boolean accumulate) {
        elementwise.columnSums(rows, cols, array("x", x), 0, array("out", out), 0, accumulate);
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, DeviceBuffer x, DeviceBuffer out,
                            boolean accumulate) {
        float[] xs = region("x", x, 0, (long) batch * channels * spatial);
        float[] o = region("out", out, 0, channels);
        for (int n = 0; n < batch; n++) {
            elementwise.rowSums(channels, spatial, xs, n * channels * spatial, o, 0, accumulate || n > 0);
        }
    }

    @Override
    public void im2col(Conv2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer cols) {
        float[] xs = region("x", x, 0, (long) batch * g.inputSize());
        int per = g.positions() * g.patchSize();
        float[] cs = region("cols", cols, 0, (long) batch * per);
        for (int n = 0; n < batch; n++) {
            Im2col.im2colUnchecked(g, xs, n * g.inputSize(), cs, n * per);
        }
    }

    @Override
    public void col2im(Conv2dGeometry g, int batch, DeviceBuffer cols, DeviceBuffer dx) {
        int per = g.positions() * g.patchSize();
        float[] cs = region("cols", cols, 0, (long) batch * per);
        float[] d = region("dx", dx, 0, (long) batch * g.inputSize());
        Arrays.fill(d, 0, batch * g.inputSize(), 0f);
        for (int n = 0; n < batch; n++) {
            Im2col.col2imUnchecked(g, cs, n * per, d, n * g.inputSize());
        }
    }

    @Override
    public void maxPool(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer y) {
        new MaxPool2dKernel(g, parallelism).forward(batch, array("x", x), array("y", y), argmaxFor(g, batch));
    }

    @Override
    public void maxPoolBackward(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
        MaxPool2dKernel kernel = new MaxPool2dKernel(g, parallelism);
        int outputs = batch * g.outputSize();
        if (pooled.length < outputs) {
            pooled = new float[outputs];
        }
        int[] at = argmaxFor(g, batch);
        kernel.forward(batch, array("x", x), pooled, at);
        kernel.backward(batch, array("dy", dy), at, array("dx", dx));
    }

    @Override
    public double softmaxCrossEntropy(int batch, int classes, DeviceBuffer logits, int[] labels, DeviceBuffer grad) {
        return SoftmaxCrossEntropy.lossAndGradient(batch, classes, array("logits", logits), labels,
                array("grad", grad));
    }

    @Override
    public void sgdUpdate(int n, DeviceBuffer param, DeviceBuffer grad, SgdStep step) {
        elementwise.sgdUpdate(n, array("param", param), 0, array("grad", grad), 0, step);
    }

    @Override
    public void momentumUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer buf, MomentumStep step) {
        elementwise.momentumUpdate(n, array("param", param), 0, array("grad", grad), 0, array("buf", buf), 0, step);
    }

    @Override
    public void adamUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
                           AdamStep step) {
        elementwise.adamUpdate(n, array("param", param), 0, array("grad", grad), 0, array("m", m), 0,
                array("v", v), 0, null, 0, step);
    }

    @Override
    public void emaInPlace(int n, double gamma, DeviceBuffer x, DeviceBuffer y) {
        elementwise.emaInPlace(n, gamma, array("x", x), 0, array("y", y), 0);
    }

    @Override
    public void synchronize() {
        // Every operation has finished when it returns.
    }

    @Override
    public void close() {
        argmax = new int[0];
        pooled = new float[0];
    }

    private int[] argmaxFor(Pool2dGeometry g, int batch) {
        int outputs = batch * g.outputSize();
        if (argmax.length < outputs) {
            argmax = new int[outputs];
        }
        return argmax;
    }

    private float[] array(String name, DeviceBuffer buffer) {
        Objects.requireNonNull(buffer, name);
        if (!(buffer instanceof HostBuffer h) || h.owner() != this) {
            throw new IllegalArgumentException(name + " is a buffer of another device; allocate it on " + name());
        }
        return h.array();
    }

    private float[] region(String name, DeviceBuffer buffer, int offset, long n) {
        float[] a = array(name, buffer);
        if (offset < 0 || n < 0 || offset + n > a.length) {
            throw new IllegalArgumentException(name + " region [" + offset + ", " + (offset + n)
                    + ") lies outside its buffer of " + a.length + " floats");
        }
        return a;
    }
}
