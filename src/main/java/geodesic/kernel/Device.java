package geodesic.kernel;

/**
 * Where a model's training step runs and where its tensors live: the seam between the layers and a compute
 * backend. A device owns {@link DeviceBuffer}s (parameters, gradients, activations, optimizer state) and runs the
 * step's operations on them, so a model moved onto it makes no host round trip per layer: the host uploads one
 * batch, gets one loss back, and downloads parameters only when it asks for them.
 *
 * <p>{@link Devices#cpu} is the built-in CPU device (host arrays and the {@link KernelProvider} kernels, the same
 * arithmetic as the layers run directly). Other devices come from a {@link DeviceProvider} found by
 * {@link Devices}; nothing below the command line names them.
 *
 * <dl>
 * <dt>Layouts</dt>
 * <dd>Row-major as in the rest of Geodesic; offsets and lengths count floats. Dense weights are {@code [in][out]},
 * convolution weights {@code [patch][outC]} with {@code patch = C * kh * kw}, images NCHW, patch matrices one
 * {@code [positions][patch]} block per image as in {@link Im2col}.</dd>
 * <dt>Ordering</dt>
 * <dd>Operations run in call order; a device may queue them and return early, and {@link #download},
 * {@link #softmaxCrossEntropy} and {@link #synchronize()} wait for everything queued before them.</dd>
 * <dt>Checks</dt>
 * <dd>Every method checks that each region it names lies inside its buffer and that buffers belong to this device,
 * and throws {@link IllegalArgumentException} naming the operand and the sizes otherwise. An error reported by
 * the device itself is an {@link IllegalStateException} with the device's error text.</dd>
 * <dt>Threading</dt>
 * <dd>One thread drives a device at a time; a device is not thread-safe. {@link #close()} frees everything it
 * allocated and is idempotent.</dd>
 * </dl>
 */
public interface Device extends AutoCloseable {

    /** The name it is selected by, e.g. {@code cpu} or {@code cuda}. */
    String name();

    /** One line, e.g. {@code "cpu: Vector API 256-bit, 8 float lanes, FMA"}. */
    String description();

    /** A new zeroed buffer of {@code length >= 1} floats, owned by this device. */
    DeviceBuffer allocate(int length);

    /** Copies {@code src[srcOff, srcOff + n)} into {@code dst[dstOff, dstOff + n)}. */
    void upload(float[] src, int srcOff, DeviceBuffer dst, int dstOff, int n);

    /** Copies {@code src[srcOff, srcOff + n)} into {@code dst[dstOff, dstOff + n)}, after all queued work. */
    void download(DeviceBuffer src, int srcOff, float[] dst, int dstOff, int n);

    /** Sets {@code x[off, off + n)} to zero. */
    void zero(DeviceBuffer x, int off, int n);

    /**
     * {@code C = alpha * op(A) op(B) + beta * C}, row-major, {@code op(A)} is {@code m x k}, {@code op(B)}
     * {@code k x n}, as {@link MatMul#gemm}; {@code beta == 0} ignores C's old contents.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              DeviceBuffer a, int aOffset, int lda, DeviceBuffer b, int bOffset, int ldb,
              float beta, DeviceBuffer c, int cOffset, int ldc);

    /**
     * {@code count} independent products, as {@link #gemm}: for {@code i < count},
     * {@code C_i = alpha * op(A_i) op(B_i) + beta * C_i}, where {@code X_i} starts at {@code xOffset + i * strideX}
     * floats. A stride of 0 uses one matrix in every product (the weights of a convolution over a batch); the
     * {@code C_i} must not overlap.
     */
    void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int lda, int strideA, DeviceBuffer b, int bOffset, int ldb,
                     int strideB, float beta, DeviceBuffer c, int cOffset, int ldc, int strideC, int count);

    /** {@code y[i] = max(x[i], 0)} for {@code i < n}; {@code y} may be {@code x}. */
    void relu(int n, DeviceBuffer x, DeviceBuffer y);

    /** {@code dx[i] = y[i] > 0 ? dy[i] : 0} for {@code i < n}, where {@code y} is the ReLU's output. */
    void reluBackward(int n, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx);

    /** {@code x[r][c] += bias[c]} over {@code x[rows][cols]}, in place. */
    void addRowBias(int rows, int cols, DeviceBuffer bias, DeviceBuffer x);

    /** {@code x[b][c][s] += bias[c]} over {@code x[batch][channels][spatial]}, in place. */
    void addChannelBias(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer x);

    /** {@code out[c] (+)= sum_r x[r][c]} over {@code x[rows][cols]}; adds to {@code out} when {@code accumulate}. */
    void columnSums(int rows, int cols, DeviceBuffer x, DeviceBuffer out, boolean accumulate);

    /** {@code out[c] (+)= sum_{b,s} x[b][c][s]}; adds to {@code out} when {@code accumulate}. */
    void channelSums(int batch, int channels, int spatial, DeviceBuffer x, DeviceBuffer out, boolean accumulate);

    /** Patch matrices of {@code batch} images: {@code x[N][C][H][W]} to {@code cols[N][positions][patch]}. */
    void im2col(Conv2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer cols);

    /** The adjoint of {@link #im2col}: {@code dx} is overwritten with the sum of the patch entries per pixel. */
    void col2im(Conv2dGeometry g, int batch, DeviceBuffer cols, DeviceBuffer dx);

    /** Max pooling {@code x[N][C][H][W]} to {@code y[N][C][outH][outW]}. */
    void maxPool(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer y);

    /**
     * Max pooling's gradient: {@code dx} is overwritten; each window's {@code dy} goes to the first position (in
     * row-major window order) where {@code x} equals the window's maximum, as {@link MaxPool2dKernel} does.
     */
    void maxPoolBackward(Pool2dGeometry g, int batch, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx);

    /**
     * Mean softmax cross-entropy of {@code logits[batch][classes]} against {@code labels} (host array, values in
     * {@code [0, classes)}) and its gradient {@code grad = (softmax - onehot) / batch}, as
     * {@link SoftmaxCrossEntropy#lossAndGradient}. Waits for the result.
     *
     * @return the mean loss
     */
    double softmaxCrossEntropy(int batch, int classes, DeviceBuffer logits, int[] labels, DeviceBuffer grad);

    /** Plain SGD on {@code n} parameters, as {@link Elementwise#sgdUpdate}. */
    void sgdUpdate(int n, DeviceBuffer param, DeviceBuffer grad, SgdStep step);

    /** SGD with momentum buffer {@code buf}, as {@link Elementwise#momentumUpdate}. */
    void momentumUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer buf, MomentumStep step);

    /** Adam with moments {@code m} and {@code v} (no AMSGrad), as {@link Elementwise#adamUpdate}. */
    void adamUpdate(int n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, AdamStep step);

    /** {@code y = (1 - gamma) y + gamma x} over {@code n} floats (Kronecker factor EMA), as {@link Elementwise#emaInPlace}. */
    void emaInPlace(int n, double gamma, DeviceBuffer x, DeviceBuffer y);

    /** Waits until all queued work has finished. */
    void synchronize();

    /** Frees every buffer and handle this device holds; idempotent. */
    @Override
    void close();
}
