package geodesic.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * Max pooling over a batch of NCHW images, recording where each maximum came from for the backward pass.
 *
 * <dl>
 * <dt>Layouts (all row-major)</dt>
 * <dd>Input {@code x[N][C][H][W]}; output, its gradient and the argmax {@code [N][C][outH][outW]}. Each argmax
 * entry is the flat index into {@code x} (image and channel offsets included) of the window's maximum.</dd>
 * <dt>Semantics</dt>
 * <dd>Ties go to the first maximum in row-major window order. NaN propagates: a window holding a NaN outputs NaN
 * (its first one), and backward sends that window's gradient there. Windows may overlap ({@code stride < kernel});
 * backward then sums the gradients that land on one input.</dd>
 * <dt>Arrays</dt>
 * <dd>Batch-sized arrays must hold at least the elements a batch needs; only that prefix is read or written.</dd>
 * <dt>Threading</dt>
 * <dd>Stateless; work is split by (image, channel) plane on the given {@link Parallelism}, so results do not depend
 * on the thread count. Concurrent calls are safe with distinct output arrays.</dd>
 * </dl>
 */
public final class MaxPool2dKernel {
    /** Parts per thread: planes are tiny, so a few parts each absorb uneven thread speeds without much overhead. */
    private static final int PARTS_PER_THREAD = 4;

    private final Pool2dGeometry geometry;
    private final Parallelism parallelism;
    /** Whether 2 x 2, stride-2 windows go through {@link VectorMaxPool}: with the Vector API kernels only. */
    private final boolean vector;
    /** Offset in the input plane of each window tap from the window's corner, in row-major tap order. */
    private final int[] tapOffsets;

    /**
     * A kernel for one pooling shape on the JVM's kernels ({@link KernelProvider#get()}).
     *
     * @throws NullPointerException if an argument is null
     */
    public MaxPool2dKernel(Pool2dGeometry geometry, Parallelism parallelism) {
        this(geometry, parallelism, KernelProvider.get());
    }

    /**
     * A kernel for one pooling shape using {@code provider}'s kind of kernels (vector or plain Java).
     *
     * @throws NullPointerException if an argument is null
     */
    public MaxPool2dKernel(Pool2dGeometry geometry, Parallelism parallelism, KernelProvider provider) {
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.vector = Objects.requireNonNull(provider, "provider").vectorized();
        int k = geometry.kernel();
        this.tapOffsets = new int[k * k];
        for (int tap = 0; tap < tapOffsets.length; tap++) {
            tapOffsets[tap] = (tap / k) * geometry.width() + tap % k;
        }
    }

    /** The pooling shape this kernel computes. */
    public Pool2dGeometry geometry() {
        return geometry;
    }

    /**
     * Forward pass: {@code y[n][c][oh][ow] = max of x[n][c]} over the window at {@code (oh * stride, ow * stride)}.
     *
     * @param batch  images N, {@code >= 1}
     * @param x      input {@code [N][C][H][W]}, read
     * @param y      output {@code [N][C][outH][outW]}, overwritten
     * @param argmax {@code [N][C][outH][outW]}, overwritten with flat indices into {@code x}
     * @throws IllegalArgumentException if {@code batch < 1} or an array is too short
     * @throws NullPointerException     if an array is null
     */
    public void forward(int batch, float[] x, float[] y, int[] argmax) {
        Pool2dGeometry g = geometry;
        int planes = planes(batch);
        long inputs = (long) batch * g.inputSize(), outputs = (long) batch * g.outputSize();
        requireAtLeast("x", Objects.requireNonNull(x, "x").length, inputs, batch);
        requireAtLeast("y", Objects.requireNonNull(y, "y").length, outputs, batch);
        requireAtLeast("argmax", Objects.requireNonNull(argmax, "argmax").length, outputs, batch);

        int plane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
        boolean vectorRows = vector && g.kernel() == 2 && g.stride() == 2;
        forEachPlaneRange(planes, (from, to) -> {
            for (int q = from; q < to; q++) {
                poolPlane(x, q * plane, y, argmax, q * outPlane, vectorRows);
            }
        });
    }

    /**
     * Backward pass: {@code dx = 0}, then {@code dx[argmax[i]] += dy[i]} for every output {@code i}.
     *
     * @param batch  images N, {@code >= 1}
     * @param dy     output gradient {@code [N][C][outH][outW]}, read
     * @param argmax as written by {@link #forward} for the same batch, read
     * @param dx     input gradient {@code [N][C][H][W]}, overwritten
     * @throws IllegalArgumentException if {@code batch < 1}, an array is too short, or an argmax entry lies outside
     *                                  the input plane its output belongs to (dx is then unspecified)
     * @throws NullPointerException     if an array is null
     */
    public void backward(int batch, float[] dy, int[] argmax, float[] dx) {
        Pool2dGeometry g = geometry;
        int planes = planes(batch);
        long inputs = (long) batch * g.inputSize(), outputs = (long) batch * g.outputSize();
        requireAtLeast("dy", Objects.requireNonNull(dy, "dy").length, outputs, batch);
        requireAtLeast("argmax", Objects.requireNonNull(argmax, "argmax").length, outputs, batch);
        requireAtLeast("dx", Objects.requireNonNull(dx, "dx").length, inputs, batch);

        int plane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
        forEachPlaneRange(planes, (from, to) -> {
            Arrays.fill(dx, from * plane, to * plane, 0f);
            for (int q = from; q < to; q++) {
                int lo = q * plane, hi = lo + plane;
                for (int i = q * outPlane, end = i + outPlane; i < end; i++) {
                    int at = argmax[i];
                    if (at < lo || at >= hi) {
                        throw new IllegalArgumentException("argmax[" + i + "] = " + at + " lies outside its input"
                                + " plane [" + lo + ", " + hi + "); pass the argmax forward wrote for this batch");
                    }
                    dx[at] += dy[i];
                }
            }
        });
    }

    /** One plane; {@code vectorRows} for 2 x 2, stride-2 windows through {@link VectorMaxPool}. */
    private void poolPlane(float[] x, int in, float[] y, int[] argmax, int out, boolean vectorRows) {
        int width = geometry.width(), k = geometry.kernel(), s = geometry.stride();
        int outH = geometry.outHeight(), outW = geometry.outWidth();
        int last = k * k - 1;
        int outEnd = out + outH * outW;
        int o = out;
        for (int oh = 0; oh < outH; oh++) {
            int row = in + oh * s * width;
            int first = vectorRows ? VectorMaxPool.poolRow(x, row, width, outW, y, argmax, o, outEnd) : 0;
            o += first;
            for (int ow = first; ow < outW; ow++, o++) {
                int corner = row + ow * s;
                // Which tap holds the maximum is data-dependent, so compare-and-branch mispredicted half the time
                // (the forward pass was 8% of a CNN step in a JFR profile of bench train); the largest of one long
                // key per tap is branch-free (cmov). 2 x 2 windows, the common case, are written out.
                long best;
                if (k == 2) {
                    best = Math.max(Math.max(key(x[corner], 3), key(x[corner + 1], 2)),
                            Math.max(key(x[corner + width], 1), key(x[corner + width + 1], 0)));
                } else {
                    best = Long.MIN_VALUE;
                    for (int i = 0, r = corner, rank = last; i < k; i++, r += width) {
                        for (int j = r, end = r + k; j < end; j++, rank--) {
                            best = Math.max(best, key(x[j], rank));
                        }
                    }
                }
                int at = corner + tapOffsets[last - (int) (best & 0xffffffffL)];
                y[o] = x[at];
                argmax[o] = at;
            }
        }
    }

    /**
     * Orders taps as the documented semantics do: by value, any NaN above every number, ties (including -0 against
     * +0) to the earlier tap. The high half is the value's bits made order-preserving as a signed int (negative
     * floats have their magnitude bits flipped; -0 is first folded into +0), the low half is {@code rank}, larger
     * for earlier taps.
     */
    private static long key(float v, int rank) {
        int bits = Float.floatToRawIntBits(v + 0f);
        int ordered = v != v ? Integer.MAX_VALUE : bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ordered << 32) | rank;
    }

    @FunctionalInterface
    private interface PlaneRange {
        void run(int from, int to);
    }

    private void forEachPlaneRange(int planes, PlaneRange body) {
        int parts = Math.min(planes, parallelism.threads() * PARTS_PER_THREAD);
        parallelism.run(parts, part -> body.run(
                (int) ((long) planes * part / parts), (int) ((long) planes * (part + 1) / parts)));
    }

    private int planes(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        long total = (long) batch * geometry.inputSize();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("x for batch " + batch + " needs " + total
                    + " elements, more than an array holds; use a smaller batch");
        }
        return batch * geometry.channels();
    }

    private static void requireAtLeast(String name, int actual, long length, int batch) {
        if (actual < length) {
            throw new IllegalArgumentException(name + " must have at least " + length + " elements for batch "
                    + batch + ", got " + actual);
        }
    }
}
