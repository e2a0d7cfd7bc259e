package geodesic.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * 2-D convolution over a batch of NCHW images as im2col plus GEMM, with the layouts the Kronecker optimizer uses.
 *
 * <dl>
 * <dt>Layouts (all row-major)</dt>
 * <dd>Input {@code x[N][C][H][W]}; weights {@code w[patch][outC]} ("in x out", {@code patch = C * kh * kw}, row
 * {@code c * kh * kw + i * kw + j}); bias {@code [outC]}; output and its gradient {@code y, dy[N][outC][outH][outW]};
 * patch matrix {@code cols[N * P][patch]} with {@code P = outH * outW} rows per image, image-major (see
 * {@link Im2col}). {@code y_n = (cols_n w)^T + bias}.</dd>
 * <dt>Work split</dt>
 * <dd>Images are split across this kernel's {@link Parallelism} team and each part runs its GEMMs on its own
 * thread: no synchronization per GEMM and no operand packed twice. Every GEMM is posed so that no large operand
 * needs a transposing copy, which a packed GEMM pays element by element: the forward pass multiplies
 * {@code cols_n w} into a per-thread {@code [P x outC]} buffer and transposes that small result into NCHW; the data
 * gradient multiplies {@code w dy_n} into a patch-major {@code [patch x P]} block, whose col2im adds runs of whole
 * output rows; the weight gradient accumulates {@code dw^T = sum_n dy_n cols_n} with C split by rows or columns
 * across the team, images in index order, and transposes it once at the end. The {@link MatMul} must run on the
 * same team (or on one thread), so that GEMMs started inside a part run on that part's thread.</dd>
 * <dt>Arrays</dt>
 * <dd>Batch-sized arrays ({@code x, y, cols, dy, dx}) must hold at least the elements a batch needs, so buffers
 * sized for the largest batch serve a short last batch; only that prefix is read or written. Parameter arrays
 * ({@code w, bias, dw, dbias}) must have exactly their size. Arrays passed to one call must be distinct.</dd>
 * <dt>Threading</dt>
 * <dd>The kernel holds no mutable state: concurrent calls are safe as long as each brings its own arrays (calls
 * on one {@code Parallelism} team are serialized by the team). Results are bitwise identical for any thread
 * count, given a MatMul that is.</dd>
 * </dl>
 */
public final class Conv2dKernel {
    /*
     * Why this split (issue 6, reference CNN, batch 128, one thread, bench train): one GEMM per image with the
     * team inside each GEMM, in the NCHW orientation (transposed operands), spent 29% of a training step packing
     * (a transposed B strip is copied element by element) and synchronized the team 768 times a step; with the
     * orientations above and images split across the team the step went from 115 to 101 ms on one thread and from
     * 73 to 60 ms on two.
     */
    /**
     * Images per backwardData step in the suggested workspace: enough parts for col2im to keep 16 threads busy,
     * while the group's patch matrices (10 MB for a 32-channel 5x5 layer on 14x14) stay in a Zen 3 L3 slice.
     */
    private static final int DCOLS_IMAGES = 16;
    /** Rows of C per weight-gradient part when split by rows: four register tiles. */
    private static final int ROW_GRANULE = 16;
    /** Columns of C per weight-gradient part when split by columns: whole 16- and 32-float strips. */
    private static final int COLUMN_GRANULE = 32;
    /** Rows read per transpose block: 16 rows of 64 channels are 4 KiB, well inside L1. */
    private static final int TRANSPOSE_BLOCK = 16;

    private final Conv2dGeometry geometry;
    private final MatMul matMul;
    private final Parallelism parallelism;
    /** Bias sums: each image's channel sums, added in image order (see {@link Elementwise#rowSums}). */
    private final Elementwise elementwise;
    /** Whether patches move as vectors: with the Vector API kernels, which need the incubator module loaded. */
    private final boolean vectorPatches;
    /** Gather offsets of {@link VectorTranspose}, or null without vector patches. */
    private final int[] laneOffsets;

    /**
     * A kernel for one convolution shape on the JVM's kernels ({@link KernelProvider#get()}) for its element-wise
     * work.
     *
     * @throws NullPointerException if an argument is null
     */
    public Conv2dKernel(Conv2dGeometry geometry, MatMul matMul, Parallelism parallelism) {
        this(geometry, matMul, parallelism, KernelProvider.get());
    }

    /**
     * A kernel for one convolution shape whose bias sums and patch copies use {@code provider}'s kind of kernels
     * (vector or plain Java), as the rest of a model built on that provider does.
     *
     * @throws NullPointerException if an argument is null
     */
    public Conv2dKernel(Conv2dGeometry geometry, MatMul matMul, Parallelism parallelism, KernelProvider provider) {
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.matMul = Objects.requireNonNull(matMul, "matMul");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.elementwise = Objects.requireNonNull(provider, "provider").elementwise();
        this.vectorPatches = provider.vectorized();
        this.laneOffsets = vectorPatches ? VectorTranspose.laneOffsets(geometry.outChannels()) : null;
    }

    /** The convolution shape this kernel computes. */
    public Conv2dGeometry geometry() {
        return geometry;
    }

    /**
     * Length of the patch-matrix workspace {@code cols} for a batch: {@code batch * positions * patchSize}.
     *
     * @throws IllegalArgumentException if {@code batch < 1} or the length exceeds {@code Integer.MAX_VALUE}
     */
    public static int colsLength(Conv2dGeometry g, int batch) {
        return batchLength("cols", batch, (long) g.positions() * g.patchSize());
    }

    /**
     * Suggested length of the {@code dcols} workspace of {@link #backwardData}: the patch matrices of
     * {@code min(batch, 16)} images, {@code min(batch, 16) * positions * patchSize}. Any length of at least one
     * image's patch matrix works; see {@link #backwardData}.
     *
     * @throws IllegalArgumentException if {@code batch < 1}
     */
    public static int dcolsLength(Conv2dGeometry g, int batch) {
        return batchLength("dcols", Math.min(batch, DCOLS_IMAGES), (long) g.positions() * g.patchSize());
    }

    /**
     * Forward pass: fills {@code cols} with the batch's patch matrix and writes {@code y = conv(x, w) + bias}.
     *
     * @param batch images N, {@code >= 1}
     * @param x     input {@code [N][C][H][W]}, read
     * @param w     weights {@code [patch][outC]}, read
     * @param bias  {@code [outC]}, read; null for no bias
     * @param cols  workspace of at least {@link #colsLength} floats, overwritten with the patch matrix
     *              {@code [N*P][patch]}, which backward and the optimizer read afterwards
     * @param y     output {@code [N][outC][outH][outW]}, overwritten
     * @throws IllegalArgumentException if {@code batch < 1} or an array has the wrong length
     * @throws NullPointerException     if an array other than {@code bias} is null
     */
    public void forward(int batch, float[] x, float[] w, float[] bias, float[] cols, float[] y) {
        Conv2dGeometry g = geometry;
        int in = g.inputSize(), out = g.outputSize(), patch = g.patchSize(), p = g.positions();
        int oc = g.outChannels();
        requireAtLeast("x", x, batchLength("x", batch, in), batch);
        requireExactly("w", w, g.weightSize());
        if (bias != null) {
            requireExactly("bias", bias, oc);
        }
        requireAtLeast("cols", cols, colsLength(g, batch), batch);
        requireAtLeast("y", y, batchLength("y", batch, out), batch);

        int block = p * patch;
        parallelism.run(batch, n -> {
            Im2col.im2colUnchecked(g, x, n * in, cols, n * block, vectorPatches);
            float[] byPosition = ConvolutionWorkspace.current().image(p * oc);
            matMul.gemm(false, false, p, oc, patch, 1f, cols, n * block, patch, w, 0, oc, 0f, byPosition, 0, oc);
            int done = vectorPatches
                    ? VectorTranspose.transposeAddingBias(byPosition, p, oc, bias, y, n * out, laneOffsets) : 0;
            transposeAddingBias(byPosition, done, p, oc, bias, y, n * out);
        });
    }

    /**
     * Weight and bias gradients: {@code dw = sum_n cols_n^T dy_n^T} and {@code dbias[o] = sum_n sum_pos dy[n][o][pos]},
     * summed over images in index order.
     *
     * @param batch images N, {@code >= 1}
     * @param cols  patch matrix {@code [N*P][patch]} as left by {@link #forward}, read
     * @param dy    output gradient {@code [N][outC][outH][outW]}, read
     * @param dw    {@code [patch][outC]}, overwritten
     * @param dbias {@code [outC]}, overwritten (each image's sums added in image order, rounded once per image); null
     *              to skip
     * @throws IllegalArgumentException if {@code batch < 1} or an array has the wrong length
     * @throws NullPointerException     if an array other than {@code dbias} is null
     */
    public void backwardWeights(int batch, float[] cols, float[] dy, float[] dw, float[] dbias) {
        Conv2dGeometry g = geometry;
        int out = g.outputSize(), patch = g.patchSize(), p = g.positions(), oc = g.outChannels();
        requireAtLeast("cols", cols, colsLength(g, batch), batch);
        requireAtLeast("dy", dy, batchLength("dy", batch, out), batch);
        requireExactly("dw", dw, g.weightSize());
        if (dbias != null) {
            requireExactly("dbias", dbias, oc);
        }

        float[] dwT = ConvolutionWorkspace.current().weights(oc * patch);
        boolean splitRows = oc >= patch;
        int length = splitRows ? oc : patch;
        int granule = splitRows ? ROW_GRANULE : COLUMN_GRANULE;
        int chunk = Math.ceilDiv(Math.ceilDiv(length, parallelism.threads()), granule) * granule;
        int block = p * patch;
        parallelism.run(Math.ceilDiv(length, chunk), part -> {
            int start = part * chunk;
            int width = Math.min(length, start + chunk) - start;
            for (int n = 0; n < batch; n++) {
                float beta = n == 0 ? 0f : 1f;
                if (splitRows) {
                    matMul.gemm(false, false, width, patch, p, 1f, dy, n * out + start * p, p, cols, n * block,
                            patch, beta, dwT, start * patch, patch);
                } else {
                    matMul.gemm(false, false, oc, width, p, 1f, dy, n * out, p, cols, n * block + start, patch,
                            beta, dwT, start, patch);
                }
            }
        });
        transpose(dwT, oc, patch, dw);
        if (dbias != null) {
            int parts = Math.min(oc, parallelism.threads());
            parallelism.run(parts, part -> {
                int o0 = part * oc / parts, o1 = (part + 1) * oc / parts;
                for (int n = 0; n < batch; n++) {
                    elementwise.rowSums(o1 - o0, p, dy, n * out + o0 * p, dbias, o0, n > 0);
                }
            });
        }
    }

    /**
     * Input gradient: {@code dx_n = col2im(w dy_n)} for every image.
     *
     * <p>Images are processed in groups of as many as {@code dcols} holds patch blocks ({@code G =
     * dcols.length / (positions * patchSize)}, at most {@code batch}): each image of a group, in parallel, gets one
     * GEMM into its patch-major block {@code [patch x P]} and then col2im. A larger workspace means fewer
     * synchronizations; {@link #dcolsLength} suggests one. The result does not depend on {@code G}.
     *
     * @param batch images N, {@code >= 1}
     * @param dy    output gradient {@code [N][outC][outH][outW]}, read
     * @param w     weights {@code [patch][outC]}, read
     * @param dcols workspace of at least {@code positions * patchSize} floats, overwritten
     * @param dx    input gradient {@code [N][C][H][W]}, overwritten
     * @throws IllegalArgumentException if {@code batch < 1} or an array has the wrong length
     * @throws NullPointerException     if an array is null
     */
    public void backwardData(int batch, float[] dy, float[] w, float[] dcols, float[] dx) {
        Conv2dGeometry g = geometry;
        int in = g.inputSize(), out = g.outputSize(), patch = g.patchSize(), p = g.positions();
        int oc = g.outChannels(), block = p * patch;
        requireAtLeast("dy", dy, batchLength("dy", batch, out), batch);
        requireExactly("w", w, g.weightSize());
        requireAtLeast("dcols", dcols, block, batch);
        requireAtLeast("dx", dx, batchLength("dx", batch, in), batch);

        int group = Math.min(batch, dcols.length / block);
        int paddedLength = Im2col.paddedLength(g, VectorIm2col.ROW_SLACK);
        for (int first = 0; first < batch; first += group) {
            int start = first, count = Math.min(group, batch - first);
            parallelism.run(count, i -> {
                matMul.gemm(false, false, patch, p, oc, 1f, w, 0, oc, dy, (start + i) * out, p,
                        0f, dcols, i * block, p);
                float[] padded = ConvolutionWorkspace.current().paddedImage(paddedLength);
                Im2col.col2imPatchMajorUnchecked(g, dcols, i * block, dx, (start + i) * in, padded, vectorPatches);
            });
        }
    }

    /**
     * {@code y[yOffset + o * positions + pos] = byPosition[pos * channels + o] + bias[o]} for positions from
     * {@code from} on, in blocks of positions whose rows stay in L1 while every channel's run is written.
     */
    private static void transposeAddingBias(float[] byPosition, int from, int positions, int channels, float[] bias,
                                            float[] y, int yOffset) {
        for (int pos0 = from; pos0 < positions; pos0 += TRANSPOSE_BLOCK) {
            int pos1 = Math.min(positions, pos0 + TRANSPOSE_BLOCK);
            for (int o = 0; o < channels; o++) {
                float b = bias == null ? 0f : bias[o];
                int at = yOffset + o * positions;
                if (bias == null) {
                    for (int pos = pos0; pos < pos1; pos++) {
                        y[at + pos] = byPosition[pos * channels + o];
                    }
                } else {
                    for (int pos = pos0; pos < pos1; pos++) {
                        y[at + pos] = byPosition[pos * channels + o] + b;
                    }
                }
            }
        }
    }

    /** {@code dst[j][i] = src[i][j]} for {@code src} of {@code rows x cols}, both dense and row-major. */
    private static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
            int i1 = Math.min(rows, i0 + TRANSPOSE_BLOCK);
            for (int j = 0; j < cols; j++) {
                for (int i = i0; i < i1; i++) {
                    dst[j * rows + i] = src[i * cols + j];
                }
            }
        }
    }

    private static int batchLength(String name, int batch, long perImage) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        long total = batch * perImage;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " for batch " + batch + " needs " + total
                    + " elements, more than an array holds; use a smaller batch");
        }
        return (int) total;
    }

    private static void requireAtLeast(String name, float[] a, int length, int batch) {
        Objects.requireNonNull(a, name);
        if (a.length < length) {
            throw new IllegalArgumentException(name + " must have at least " + length + " elements for batch "
                    + batch + ", got " + a.length);
        }
    }

    private static void requireExactly(String name, float[] a, int length) {
        Objects.requireNonNull(a, name);
        if (a.length != length) {
            throw new IllegalArgumentException(name + " must have " + length + " elements, got " + a.length);
        }
    }
}
