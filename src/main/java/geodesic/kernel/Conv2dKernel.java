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
 * <dd>Every pass runs one GEMM per image in the NCHW orientation ({@code y_n = w^T cols_n^T} lands as
 * {@code [outC x P]}), so no transposed copy of {@code y} or {@code dy} is ever made; the weight gradient sums the
 * images in index order. GEMMs parallelize inside the {@link MatMul}; im2col, col2im and bias work run on this
 * kernel's {@link Parallelism}, split by image (bias sums by channel). No GEMM is started from inside a
 * {@code Parallelism} part, so the MatMul may run on the same team.</dd>
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
     * Why per-image GEMMs: against one batched GEMM ([N*P x patch] * w, then a transpose into NCHW), measured with
     * an OpenBLAS sgemm stand-in on the reference shapes at batch 128, per-image forward was faster on one thread
     * (1x28x28->32 5x5: 3.1 vs 4.5 ms; 32x14x14->64 5x5: 28.5 vs 32 ms) and within noise on two, and it needs no
     * transpose pass or extra buffer. The batched backward needs a transposed dy and was not faster either.
     * Re-measure once the Vector API GEMM lands: small per-image GEMMs are where a blocked GEMM is weakest.
     */
    /**
     * Images per backwardData step in the suggested workspace: enough parts for col2im to keep 16 threads busy,
     * while the group's patch matrices (10 MB for a 32-channel 5x5 layer on 14x14) stay in a Zen 3 L3 slice.
     */
    private static final int DCOLS_IMAGES = 16;

    private final Conv2dGeometry geometry;
    private final MatMul matMul;
    private final Parallelism parallelism;

    /**
     * A kernel for one convolution shape.
     *
     * @throws NullPointerException if an argument is null
     */
    public Conv2dKernel(Conv2dGeometry geometry, MatMul matMul, Parallelism parallelism) {
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.matMul = Objects.requireNonNull(matMul, "matMul");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
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
            Im2col.im2colUnchecked(g, x, n * in, cols, n * block);
            if (bias != null) {
                for (int o = 0, at = n * out; o < oc; o++, at += p) {
                    Arrays.fill(y, at, at + p, bias[o]);
                }
            }
        });
        float beta = bias == null ? 0f : 1f;
        for (int n = 0; n < batch; n++) {
            matMul.gemm(true, true, oc, p, patch, 1f, w, 0, oc, cols, n * block, patch, beta, y, n * out, p);
        }
    }

    /**
     * Weight and bias gradients: {@code dw = sum_n cols_n^T dy_n^T} and {@code dbias[o] = sum_n sum_pos dy[n][o][pos]},
     * summed over images in index order.
     *
     * @param batch images N, {@code >= 1}
     * @param cols  patch matrix {@code [N*P][patch]} as left by {@link #forward}, read
     * @param dy    output gradient {@code [N][outC][outH][outW]}, read
     * @param dw    {@code [patch][outC]}, overwritten
     * @param dbias {@code [outC]}, overwritten (sums taken in double); null to skip
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

        for (int n = 0; n < batch; n++) {
            matMul.gemm(true, true, patch, oc, p, 1f, cols, n * p * patch, patch, dy, n * out, p,
                    n == 0 ? 0f : 1f, dw, 0, oc);
        }
        if (dbias != null) {
            parallelism.run(oc, o -> {
                double s = 0;
                for (int n = 0; n < batch; n++) {
                    for (int i = n * out + o * p, end = i + p; i < end; i++) {
                        s += dy[i];
                    }
                }
                dbias[o] = (float) s;
            });
        }
    }

    /**
     * Input gradient: {@code dx_n = col2im(dy_n^T w^T)} for every image.
     *
     * <p>Images are processed in groups of as many as {@code dcols} holds patch matrices ({@code G =
     * dcols.length / (positions * patchSize)}, at most {@code batch}): one GEMM per image of the group, then
     * col2im for the group's images in parallel. A larger workspace means fewer synchronizations and more parallel
     * col2im work; {@link #dcolsLength} suggests one. The result does not depend on {@code G}.
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
        for (int first = 0; first < batch; first += group) {
            int start = first, count = Math.min(group, batch - first);
            for (int i = 0; i < count; i++) {
                matMul.gemm(true, true, p, patch, oc, 1f, dy, (start + i) * out, p, w, 0, oc,
                        0f, dcols, i * block, patch);
            }
            parallelism.run(count, i -> {
                int base = (start + i) * in;
                Arrays.fill(dx, base, base + in, 0f);
                Im2col.col2imUnchecked(g, dcols, i * block, dx, base);
            });
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
