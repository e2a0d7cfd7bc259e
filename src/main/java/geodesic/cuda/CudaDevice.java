package geodesic.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cublas.cublasSgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemset;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;

import geodesic.kernel.AdamStep;
import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Device;
import geodesic.kernel.DeviceBuffer;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.Pool2dGeometry;
import geodesic.kernel.SgdStep;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The CUDA {@link Device} on GPU 0: buffers in device memory ({@code cudaMalloc}), GEMMs through cuBLAS
 * {@code sgemm} (row-major products computed as their column-major transposes), everything else through the PTX
 * kernels of {@code native/geodesic_kernels.cu}. All work goes to the legacy default stream, so it runs in call
 * order; uploads and downloads are synchronous {@code cudaMemcpy} through a host staging buffer.
 *
 * <p>Not thread-safe: one thread drives it at a time, though that thread may change between calls. {@link #close()}
 * frees every buffer still open, the kernels and the cuBLAS handle.
 */
final class CudaDevice implements Device {
    private final cublasContext cublas;
    private final CudaModule kernels;
    private final String description;
    private final Map<CudaBuffer, Boolean> live = new IdentityHashMap<>();
    private final FloatPointer alpha = new FloatPointer(1);
    private final FloatPointer beta = new FloatPointer(1);
    private FloatPointer staging = new FloatPointer(1);
    private IntPointer labels;
    private DoublePointer losses;
    private int scratchRows;
    private boolean closed;
    private Thread driver = Thread.currentThread();

    private CudaDevice(cublasContext cublas, CudaModule kernels, String description) {
        this.cublas = cublas;
        this.kernels = kernels;
        this.description = description;
    }

    /**
     * Selects GPU 0, creates the cuBLAS handle and loads the PTX kernels.
     *
     * @throws IllegalStateException with the CUDA error text when any step fails
     */
    static CudaDevice open() {
        CudaRuntime.check(cudaSetDevice(0), "cudaSetDevice(0)");
        cublasContext handle = new cublasContext();
        checkBlas(cublasCreate_v2(handle), "cublasCreate");
        CudaModule module;
        try {
            module = CudaModule.load();
        } catch (RuntimeException e) {
            cublasDestroy_v2(handle);
            throw e;
        }
        return new CudaDevice(handle, module, "cuda: " + CudaProbe.status().detail());
    }

    @Override
    public String name() {
        return CudaDeviceProvider.NAME;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public DeviceBuffer allocate(int length) {
        requireOpen();
        if (length < 1) {
            throw new IllegalArgumentException("buffer length must be >= 1, got " + length);
        }
        FloatPointer memory = new FloatPointer();
        CudaRuntime.check(cudaMalloc(memory, (long) length * Float.BYTES), "cudaMalloc(" + length + " floats)");
        CudaRuntime.check(cudaMemset(memory, 0, (long) length * Float.BYTES), "cudaMemset");
        CudaBuffer b = new CudaBuffer(this, memory, length);
        live.put(b, Boolean.TRUE);
        return b;
    }

    void forget(CudaBuffer b) {
        live.remove(b);
    }

    @Override
    public void upload(float[] src, int srcOff, DeviceBuffer dst, int dstOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        FloatPointer d = at("dst", dst, dstOff, n);
        FloatPointer host = staging(n);
        host.put(src, srcOff, n);
        CudaRuntime.check(cudaMemcpy(d, host, (long) n * Float.BYTES, cudaMemcpyHostToDevice), "cudaMemcpy H2D");
    }

    @Override
    public void download(DeviceBuffer src, int srcOff, float[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        FloatPointer s = at("src", src, srcOff, n);
        FloatPointer host = staging(n);
        CudaRuntime.check(cudaMemcpy(host, s, (long) n * Float.BYTES, cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
        host.get(dst, dstOff, n);
    }

    @Override
    public void zero(DeviceBuffer x, int off, int n) {
        CudaRuntime.check(cudaMemset(at("x", x, off, n), 0, (long) n * Float.BYTES), "cudaMemset");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue,
                     DeviceBuffer a, int aOffset, int lda, DeviceBuffer b, int bOffset, int ldb,
                     float betaValue, DeviceBuffer c, int cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        requireLeading("lda", lda, aCols);
        requireLeading("ldb", ldb, bCols);
        requireLeading("ldc", ldc, n);
        FloatPointer pa = at("a", a, aOffset, matrixSpan(aRows, aCols, lda));
        FloatPointer pb = at("b", b, bOffset, matrixSpan(bRows, bCols, ldb));
        FloatPointer pc = at("c", c, cOffset, matrixSpan(m, n, ldc));
        if (m == 0 || n == 0) {
            return;
        }
        alpha.put(0, alphaValue);
        beta.put(0, betaValue);
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: the same memory, operands swapped.
        checkBlas(cublasSgemm_v2(cublas, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                n, m, k, alpha, pb, ldb, pa, lda, beta, pc, ldc), "cublasSgemm");
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alphaValue,
                            DeviceBuffer a, int aOffset, int lda, int strideA, DeviceBuffer b, int bOffset, int ldb,
                            int strideB, float betaValue, DeviceBuffer c, int cOffset, int ldc, int strideC,
                            int count) {
        if (m < 0 || n < 0 || k < 0 || count < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("gemmBatched sizes, count and strides must be >= 0, got m=" + m + " n="
                    + n + " k=" + k + " count=" + count + " strides " + strideA + ", " + strideB + ", " + strideC);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        requireLeading("lda", lda, aCols);
        requireLeading("ldb", ldb, bCols);
        requireLeading("ldc", ldc, n);
        long last = Math.max(0, count - 1);
        FloatPointer pa = at("a", a, aOffset, last * strideA + matrixSpan(aRows, aCols, lda));
        FloatPointer pb = at("b", b, bOffset, last * strideB + matrixSpan(bRows, bCols, ldb));
        FloatPointer pc = at("c", c, cOffset, last * strideC + matrixSpan(m, n, ldc));
        if (m == 0 || n == 0 || count == 0) {
            return;
        }
        alpha.put(0, alphaValue);
        beta.put(0, betaValue);
        checkBlas(cublasSgemmStridedBatched(cublas, transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, alpha, pb, ldb, strideB, pa, lda, strideA, beta, pc, ldc,
                strideC, count), "cublasSgemmStridedBatched");
    }

    @Override
    public void relu(int n, DeviceBuffer x, DeviceBuffer y) {
        kernels.launch("relu_forward", n, n, at("x", x, 0, n), at("y", y, 0, n));
    }

    @Override
    public void reluBackward(int n, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx) {
        kernels.launch("relu_backward", n, n, at("y", y, 0, n), at("dy", dy, 0, n), at("dx", dx, 0, n));
    }

    @Override
    public void addRowBias(int rows, int cols, DeviceBuffer bias, DeviceBuffer x) {
        long total = (long) rows * cols;
        kernels.launch("add_row_bias", total, rows, cols, at("bias", bias, 0, cols), at("x", x, 0, total));
    }

    @Override
    public void addChannelBias(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer x) {
        long total = (long) batch * channels * spatial;
        kernels.launch("add_channel_bias", total, batch, channels, spatial, at("bias", bias, 0, channels),
                at("x", x, 0, total));
    }

    @Override
    public void columnSums(int rows, int cols, DeviceBuffer x, DeviceBuffer out, boolean accumulate) {
        kernels.launch("column_sums", cols, rows, cols, at("x", x, 0, (long) rows * cols), at("out", out, 0, cols),
                accumulate);
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, DeviceBuffer x, DeviceBuffer out,
                            boolean accumulate) {
        kernels.launchGrid("channel_sums", channels, batch, channels, spatial,
                at("x", x, 0, (long) batch * channels * spatial), at("out", out, 0, channels), accumulate);
    }

    @Override
    public void im2col(Conv2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer cols) {
        long total = (long) batch * g.positions() * g.patchSize();
        kernels.launch("im2col", total, convArgs(g, batch, at("x", x, 0, (long) batch * g.inputSize()),
                at("cols", cols, 0, total)));
    }

    @Override
    public void col2im(Conv2dGeometry g, int batch, DeviceBuffer cols, DeviceBuffer dx) {
        long total = (long) batch * g.inputSize();
        kernels.launch("col2im", total, convArgs(g, batch,
                at("cols", cols, 0, (long) batch * g.positions() * g.patchSize()), at("dx", dx, 0, total)));
    }

    @Override
    public void maxPool(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer y) {
        long outputs = (long) batch * g.outputSize();
        kernels.launch("maxpool_forward", outputs, batch * g.channels(), g.height(), g.width(), g.kernel(),
                g.stride(), g.outHeight(), g.outWidth(), at("x", x, 0, (long) batch * g.inputSize()),
                at("y", y, 0, outputs));
    }

    @Override
    public void maxPoolBackward(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
        long inputs = (long) batch * g.inputSize();
        kernels.launch("maxpool_backward", inputs, batch * g.channels(), g.height(), g.width(), g.kernel(),
                g.stride(), g.outHeight(), g.outWidth(), at("x", x, 0, inputs),
                at("dy", dy, 0, (long) batch * g.outputSize()), at("dx", dx, 0, inputs));
    }

    @Override
    public double softmaxCrossEntropy(int batch, int classes, DeviceBuffer logits, int[] labelValues,
                                      DeviceBuffer grad) {
        if (batch < 1 || classes < 1) {
            throw new IllegalArgumentException("batch and classes must be >= 1, got " + batch + " and " + classes);
        }
        if (labelValues.length < batch) {
            throw new IllegalArgumentException("labels must have at least " + batch + " entries, got "
                    + labelValues.length);
        }
        for (int i = 0; i < batch; i++) {
            if (labelValues[i] < 0 || labelValues[i] >= classes) {
                throw new IllegalArgumentException("label " + labelValues[i] + " of row " + i + " is outside [0, "
                        + classes + ")");
            }
        }
        long total = (long) batch * classes;
        FloatPointer pl = at("logits", logits, 0, total);
        FloatPointer pg = at("grad", grad, 0, total);
        ensureScratch(batch);
        try (IntPointer host = new IntPointer(labelValues)) {
            CudaRuntime.check(cudaMemcpy(labels, host, (long) batch * Integer.BYTES, cudaMemcpyHostToDevice),
                    "cudaMemcpy labels");
        }
        kernels.launch("softmax_cross_entropy", batch, batch, classes, pl, labels, pg, losses);
        double[] rows = new double[batch];
        try (DoublePointer host = new DoublePointer(batch)) {
            CudaRuntime.check(cudaMemcpy(host, losses, (long) batch * Double.BYTES, cudaMemcpyDeviceToHost),
                    "cudaMemcpy losses");
            host.get(rows);
        }
        double sum = 0;
        for (double r : rows) {
            sum += r;
        }
        return sum / batch;
    }

    @Override
    public void sgdUpdate(int n, DeviceBuffer param, DeviceBuffer grad, SgdStep step) {
        kernels.launch("sgd_update", n, n, at("param", param, 0, n), at("grad", grad, 0, n), (float) step.lr(),
                (float) step.weightDecay());
    }

    @Override
    public void momentumUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer buf, MomentumStep step) {
        kernels.launch("momentum_update", n, n, at("param", param, 0, n), at("grad", grad, 0, n),
                at("buf", buf, 0, n), (float) step.lr(), (float) step.weightDecay(), (float) step.momentum(),
                (float) (1.0 - step.dampening()), step.firstStep(), step.nesterov());
    }

    @Override
    public void adamUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
                           AdamStep step) {
        float stepSize = (float) (step.lr() / (1.0 - Math.pow(step.beta1(), step.step())));
        float invRoot = (float) (1.0 / Math.sqrt(1.0 - Math.pow(step.beta2(), step.step())));
        kernels.launch("adam_update", n, n, at("param", param, 0, n), at("grad", grad, 0, n), at("m", m, 0, n),
                at("v", v, 0, n), (float) step.weightDecay(), (float) step.beta1(), (float) (1.0 - step.beta1()),
                (float) step.beta2(), (float) (1.0 - step.beta2()), (float) step.eps(), stepSize, invRoot);
    }

    @Override
    public void emaInPlace(int n, double gamma, DeviceBuffer x, DeviceBuffer y) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        kernels.launch("ema", n, n, (float) (1.0 - gamma), (float) gamma, at("x", x, 0, n), at("y", y, 0, n));
    }

    @Override
    public void synchronize() {
        requireOpen();
        CudaRuntime.check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (CudaBuffer b : new ArrayList<>(live.keySet())) {
            b.close();
        }
        if (labels != null) {
            cudaFree(labels);
            cudaFree(losses);
        }
        kernels.close();
        cublasDestroy_v2(cublas);
        alpha.close();
        beta.close();
        staging.close();
        closed = true;
    }

    private static Object[] convArgs(Conv2dGeometry g, int batch, Pointer in, Pointer out) {
        return new Object[] {batch, g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(),
                g.strideW(), g.padH(), g.padW(), g.outHeight(), g.outWidth(), in, out};
    }

    private void ensureScratch(int batch) {
        if (batch <= scratchRows) {
            return;
        }
        if (labels != null) {
            cudaFree(labels);
            cudaFree(losses);
        }
        labels = new IntPointer();
        losses = new DoublePointer();
        CudaRuntime.check(cudaMalloc(labels, (long) batch * Integer.BYTES), "cudaMalloc labels");
        CudaRuntime.check(cudaMalloc(losses, (long) batch * Double.BYTES), "cudaMalloc losses");
        scratchRows = batch;
    }

    private FloatPointer staging(int n) {
        if (staging.capacity() < n) {
            staging.close();
            staging = new FloatPointer(n);
        }
        return staging;
    }

    private FloatPointer at(String name, DeviceBuffer buffer, long offset, long n) {
        requireOpen();
        Objects.requireNonNull(buffer, name);
        if (!(buffer instanceof CudaBuffer b) || b.owner() != this) {
            throw new IllegalArgumentException(name + " is a buffer of another device; allocate it on " + name());
        }
        if (offset < 0 || n < 0 || offset + n > b.length()) {
            throw new IllegalArgumentException(name + " region [" + offset + ", " + (offset + n)
                    + ") lies outside its buffer of " + b.length() + " floats");
        }
        return b.at(offset);
    }

    private static long matrixSpan(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    private static void requireLeading(String name, int ld, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + " must be >= max(1, " + cols + "), got " + ld);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("CUDA device used after close()");
        }
        Thread current = Thread.currentThread();
        if (current != driver) {
            // The driver API (module, launches) uses the calling thread's current context; cudaSetDevice makes
            // GPU 0's primary context, the one the module was loaded into, current on a new driving thread.
            CudaRuntime.check(cudaSetDevice(0), "cudaSetDevice(0)");
            driver = current;
        }
    }

    private static void checkBlas(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + cublasGetStatusString(status).getString() + " ("
                    + status + ")");
        }
    }
}
