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
 * with {@code P = outH * outW} positions, an image's patch matrix {@code cols_n [P][patch]} (see {@link Im2col}) and
 * its patch-major transpose {@code colsT_n [patch][P]}. {@code y_n = w^T colsT_n + bias}.</dd>
 * <dt>Work split</dt>
 * <dd>Images are split across this kernel's {@link Parallelism} team and each part runs its GEMMs on its own
 * thread: no synchronization per GEMM and no operand packed twice. Patches are built patch-major, one image at a
 * time in a per-thread buffer that stays in cache, and never kept: at stride 1 each of their rows is a run of
 * {@code outW} contiguous pixels of the zero-padded image, where the position-major matrix is made of
 * {@code kw}-pixel runs. Every GEMM is posed so that no large operand needs a transposing copy, which a packed
 * GEMM pays element by element: the forward pass multiplies {@code w^T colsT_n} straight into NCHW (a transposed
 * copy of {@code w} is made once per call); the data gradient multiplies {@code w dy_n} into a patch-major block,
 * whose col2im adds runs of whole output rows; the weight gradient accumulates
 * {@code dw = sum_n colsT_n dy_n^T} over fixed groups of images, one part a group, each rebuilding its images'
 * {@code colsT_n} and transposing the small {@code dy_n}, images in index order; the groups' sums are then added
 * in group order. The {@link MatMul} must
 * run on the same team (or on one thread), so that GEMMs started inside a part run on that part's thread.</dd>
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
     * (a transposed B strip is copied element by element) and synchronized the team 768 times a step; with
     * images split across the team the step went from 115 to 101 ms on one thread and from 73 to 60 ms on two.
     * Position-major patches of 5-pixel runs, kept for the whole batch (80 MB for the second layer), then cost
     * 12% of a step to build and 6% to stream back for the weight gradient.
     */
    /**
     * Images per backwardData step in the suggested workspace: enough parts for col2im to keep 16 threads busy,
     * while the group's patch matrices (10 MB for a 32-channel 5x5 layer on 14x14) stay in a Zen 3 L3 slice.
     */
    private static final int DCOLS_IMAGES = 16;
    /**
     * Images per weight-gradient part: each part sums its images' products into its own partial gradient, and the
     * partials are added in order, so the result does not depend on the thread count. 16 keeps the partials of a
     * batch of 128 (8 of them, 1.6 MB for a 32-channel 5x5 layer with 64 outputs) small next to the work.
     */
    private static final int WEIGHT_GROUP_IMAGES = 16;
    /** Fewest weight-gradient elements per part of the partials' sum. */
    private static final int SUM_GRANULE = 4096;
    /** Rows read per transpose block: 16 rows of 64 channels are 4 KiB, well inside L1. */
    private static final int TRANSPOSE_BLOCK = 16;

    private final Conv2dGeometry geometry;
    private final MatMul matMul;
    private final Parallelism parallelism;
    /** Bias sums: each image's channel sums, added in image order (see {@link Elementwise#rowSums}). */
    private final Elementwise elementwise;
    /** Whether patches move as vectors: with the Vector API kernels, which need the incubator module loaded. */
    private final boolean vectorPatches;
    /** Gather offsets of {@link VectorTranspose} for transposing an output gradient, or null without vectors. */
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
        this.laneOffsets = vectorPatches ? VectorTranspose.laneOffsets(geometry.positions()) : null;
    }

    /** The convolution shape this kernel computes. */
    public Conv2dGeometry geometry() {
        return geometry;
    }

    /**
     * Length of a position-major patch matrix for {@code batch} images ({@link #patches}):
     * {@code batch * positions * patchSize}.
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
     * Forward pass: {@code y = conv(x, w) + bias}.
     *
     * @param batch images N, {@code >= 1}
     * @param x     input {@code [N][C][H][W]}, read
     * @param w     weights {@code [patch][outC]}, read
     * @param bias  {@code [outC]}, read; null for no bias
     * @param y     output {@code [N][outC][outH][outW]}, overwritten
     * @throws IllegalArgumentException if {@code batch < 1} or an array has the wrong length
     * @throws NullPointerException     if an array other than {@code bias} is null
     */
    public void forward(int batch, float[] x, float[] w, float[] bias, float[] y) {
        Conv2dGeometry g = geometry;
        int in = g.inputSize(), out = g.outputSize(), patch = g.patchSize(), p = g.positions();
        int oc = g.outChannels();
        requireAtLeast("x", x, batchLength("x", batch, in), batch);
        requireExactly("w", w, g.weightSize());
        if (bias != null) {
            requireExactly("bias", bias, oc);
        }
        requireAtLeast("y", y, batchLength("y", batch, out), batch);

        float[] wT = ConvolutionWorkspace.current().weights(oc * patch);
        transpose(w, 0, patch, oc, wT);
        int paddedLength = Im2col.paddedLength(g, VectorIm2col.ROW_SLACK);
        parallelism.run(batch, n -> {
            ConvolutionWorkspace ws = ConvolutionWorkspace.current();
            float[] colsT = ws.patches(patch * p + VectorIm2col.ROW_SLACK);
            Im2col.im2colPatchMajorUnchecked(g, x, n * in, colsT, 0, 0, patch, ws.paddedImage(paddedLength),
                    vectorPatches);
            if (bias != null) {
                for (int o = 0; o < oc; o++) {
                    Arrays.fill(y, n * out + o * p, n * out + (o + 1) * p, bias[o]);
                }
            }
            matMul.gemm(false, false, oc, p, patch, 1f, wT, 0, patch, colsT, 0, p, bias == null ? 0f : 1f,
                    y, n * out, p);
        });
    }

    /**
     * Writes the position-major patch matrices ({@link Im2col#im2col}) of images {@code [first, first + count)} to
     * {@code cols[0 .. count * P * patch)}: the layer inputs a Kronecker factor reads.
     *
     * @param x    input {@code [N][C][H][W]} with at least {@code first + count} images, read
     * @param cols at least {@link #colsLength}{@code (g, count)} floats, overwritten
     * @throws IllegalArgumentException if {@code first < 0}, {@code count < 1} or an array is too short
     * @throws NullPointerException     if an array is null
     */
    public void patches(int first, int count, float[] x, float[] cols) {
        Conv2dGeometry g = geometry;
        int in = g.inputSize();
        if (first < 0 || count < 1) {
            throw new IllegalArgumentException("images [" + first + ", " + first + " + " + count
                    + ") must start at 0 or later and hold at least one image");
        }
        requireAtLeast("x", x, batchLength("x", first + count, in), first + count);
        requireAtLeast("cols", cols, colsLength(g, count), count);
        int block = g.positions() * g.patchSize();
        parallelism.run(count, i -> Im2col.im2colUnchecked(g, x, (first + i) * in, cols, i * block, vectorPatches));
    }

    /**
     * Weight and bias gradients: {@code dw = sum_n cols_n^T dy_n^T} and {@code dbias[o] = sum_n sum_pos dy[n][o][pos]},
     * summed over images in index order.
     *
     * @param batch images N, {@code >= 1}
     * @param x     the forward pass's input {@code [N][C][H][W]}, read
     * @param dy    output gradient {@code [N][outC][outH][outW]}, read
     * @param dw    {@code [patch][outC]}, overwritten
     * @param dbias {@code [outC]}, overwritten (each image's sums added in image order, rounded once per image); null
     *              to skip
     * @throws IllegalArgumentException if {@code batch < 1} or an array has the wrong length
     * @throws NullPointerException     if an array other than {@code dbias} is null
     */
    public void backwardWeights(int batch, float[] x, float[] dy, float[] dw, float[] dbias) {
        Conv2dGeometry g = geometry;
        int in = g.inputSize(), out = g.outputSize(), patch = g.patchSize(), p = g.positions();
        int oc = g.outChannels();
        requireAtLeast("x", x, batchLength("x", batch, in), batch);
        requireAtLeast("dy", dy, batchLength("dy", batch, out), batch);
        requireExactly("dw", dw, g.weightSize());
        if (dbias != null) {
            requireExactly("dbias", dbias, oc);
        }

        int weights = g.weightSize();
        int groups = Math.ceilDiv(batch, WEIGHT_GROUP_IMAGES);
        float[] partials = ConvolutionWorkspace.current().partials((groups - 1) * weights);
        int paddedLength = Im2col.paddedLength(g, VectorIm2col.ROW_SLACK);
        parallelism.run(groups, group -> {
            ConvolutionWorkspace ws = ConvolutionWorkspace.current();
            float[] colsT = ws.patches(patch * p + VectorIm2col.ROW_SLACK);
            float[] padded = ws.paddedImage(paddedLength);
            float[] dyT = ws.gradient(p * oc);
            float[] sum = group == 0 ? dw : partials;
            int at = group == 0 ? 0 : (group - 1) * weights;
            int n0 = group * WEIGHT_GROUP_IMAGES, n1 = Math.min(batch, n0 + WEIGHT_GROUP_IMAGES);
            for (int n = n0; n < n1; n++) {
                Im2col.im2colPatchMajorUnchecked(g, x, n * in, colsT, 0, 0, patch, padded, vectorPatches);
                int done = vectorPatches ? VectorTranspose.transpose(dy, n * out, oc, p, dyT, laneOffsets) : 0;
                transpose(dy, n * out, oc, p, dyT, done);
                matMul.gemm(false, false, patch, oc, p, 1f, colsT, 0, p, dyT, 0, oc, n == n0 ? 0f : 1f,
                        sum, at, oc);
            }
        });
        if (groups > 1) {
            int parts = Math.min(parallelism.threads(), Math.ceilDiv(weights, SUM_GRANULE));
            parallelism.run(parts, part -> {
                int from = (int) ((long) part * weights / parts), to = (int) ((long) (part + 1) * weights / parts);
                for (int group = 1; group < groups; group++) {
                    elementwise.axpy(to - from, 1f, partials, (group - 1) * weights + from, dw, from);
                }
            });
        }
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

    /** {@code dst[j][i] = src[offset + i * cols + j]} for {@code src} of {@code rows x cols}, row-major. */
    private static void transpose(float[] src, int offset, int rows, int cols, float[] dst) {
        transpose(src, offset, rows, cols, dst, 0);
    }

    /**
     * As {@link #transpose(float[], int, int, int, float[])} for rows {@code i >= fromRow} only, in blocks of rows
     * whose source runs stay in L1 while every column is written.
     */
    private static void transpose(float[] src, int offset, int rows, int cols, float[] dst, int fromRow) {
        for (int i0 = fromRow; i0 < rows; i0 += TRANSPOSE_BLOCK) {
            int i1 = Math.min(rows, i0 + TRANSPOSE_BLOCK);
            for (int j = 0; j < cols; j++) {
                for (int i = i0; i < i1; i++) {
                    dst[j * rows + i] = src[offset + i * cols + j];
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
