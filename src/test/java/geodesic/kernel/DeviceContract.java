package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Device} contract, checked for every device against plain float64 references on random inputs of
 * awkward sizes. Subclasses say which device ({@link #openDevice()}) and may skip with an assumption in it.
 */
public abstract class DeviceContract {
    protected Device device;

    /** Opens the device under test; may abort the test through an assumption when it is absent. */
    protected abstract Device openDevice();

    @BeforeEach
    void open() {
        device = openDevice();
    }

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 31, 33, 129, 257})
    void uploadDownloadRoundTripsAtOffsets(int n) {
        float[] x = random(n, n);
        try (DeviceBuffer b = device.allocate(n + 5)) {
            device.upload(x, 0, b, 3, n);
            float[] back = new float[n + 5];
            device.download(b, 0, back, 0, n + 5);
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], back[i + 3], "element " + i);
            }
            assertEquals(0f, back[0], "new buffers are zeroed");
            device.zero(b, 3, n);
            device.download(b, 0, back, 0, n + 5);
            for (float v : back) {
                assertEquals(0f, v);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 9, 33, 129})
    void gemmMatchesFloat64ReferenceForAllTransposes(int size) {
        int m = size, n = size + 2, k = 2 * size + 1;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(m * k, 11 + size), b = random(k * n, 12 + size), c = random(m * n, 13 + size);
                int lda = ta ? m : k, ldb = tb ? k : n;
                double[] ref = new double[m * n];
                double[] scale = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0, abs = 0;
                        for (int p = 0; p < k; p++) {
                            double t = (double) (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                            s += t;
                            abs += Math.abs(t);
                        }
                        ref[i * n + j] = 0.5 * s - 2.0 * c[i * n + j];
                        scale[i * n + j] = 0.5 * abs + 2.0 * Math.abs(c[i * n + j]);
                    }
                }
                float[] out = run(c, buf -> {
                    DeviceBuffer da = put(a), db = put(b);
                    device.gemm(ta, tb, m, n, k, 0.5f, da, 0, lda, db, 0, ldb, -2f, buf, 0, n);
                    da.close();
                    db.close();
                });
                assertClose(ref, scale, out, k, "gemm ta=" + ta + " tb=" + tb + " m=" + m);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 9, 33})
    void batchedGemmWithASharedOperandMatchesFloat64Reference(int size) {
        int m = size + 1, n = size, k = 2 * size + 3, count = 5;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = ta ? m : k, ldb = tb ? k : n;
                int strideB = k * n + 3, strideC = m * n + 2;
                float[] a = random(m * k, size), b = random(count * strideB, size + 1);
                float[] c = random(count * strideC, size + 2);
                double[] ref = new double[c.length], scale = new double[c.length];
                for (int i = 0; i < c.length; i++) {
                    ref[i] = c[i];
                    scale[i] = Math.abs(c[i]);
                }
                for (int q = 0; q < count; q++) {
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0, abs = 0;
                            for (int p = 0; p < k; p++) {
                                double t = (double) (ta ? a[p * lda + i] : a[i * lda + p])
                                        * b[q * strideB + (tb ? j * ldb + p : p * ldb + j)];
                                s += t;
                                abs += Math.abs(t);
                            }
                            int at = q * strideC + i * n + j;
                            ref[at] = s + c[at];
                            scale[at] = abs + Math.abs(c[at]);
                        }
                    }
                }
                float[] out = run(c, buf -> {
                    DeviceBuffer da = put(a), db = put(b);
                    device.gemmBatched(ta, tb, m, n, k, 1f, da, 0, lda, 0, db, 0, ldb, strideB, 1f, buf, 0, n,
                            strideC, count);
                    da.close();
                    db.close();
                });
                assertClose(ref, scale, out, k, "batched gemm ta=" + ta + " tb=" + tb + " m=" + m);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 31, 33, 257})
    void reluAndItsBackwardMatchReference(int n) {
        float[] x = random(n, n), dy = random(n, n + 1);
        DeviceBuffer dx = put(x), ddy = put(dy);
        DeviceBuffer y = device.allocate(n), dxOut = device.allocate(n);
        device.relu(n, dx, y);
        device.reluBackward(n, y, ddy, dxOut);
        float[] ys = get(y, n), grads = get(dxOut, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Math.max(x[i], 0f), ys[i], "relu " + i);
            assertEquals(x[i] > 0 ? dy[i] : 0f, grads[i], "relu backward " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 257})
    void biasAddsAndSumsMatchReference(int spatial) {
        int batch = 3, channels = 5;
        float[] x = random(batch * channels * spatial, spatial), bias = random(channels, 2);
        DeviceBuffer dx = put(x), db = put(bias), sums = device.allocate(channels);
        device.addChannelBias(batch, channels, spatial, db, dx);
        device.channelSums(batch, channels, spatial, dx, sums, false);
        float[] added = get(dx, x.length), s = get(sums, channels);
        double[] ref = new double[channels], scale = new double[channels];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < spatial; i++) {
                    int at = (n * channels + c) * spatial + i;
                    assertEquals(x[at] + bias[c], added[at], 1e-6f, "channel bias at " + at);
                    ref[c] += (double) x[at] + bias[c];
                    scale[c] += Math.abs((double) x[at] + bias[c]);
                }
            }
        }
        assertClose(ref, scale, s, batch * spatial, "channel sums");

        float[] rowBias = random(spatial, 3);
        DeviceBuffer rows = put(x), colSums = device.allocate(spatial);
        device.addRowBias(batch * channels, spatial, put(rowBias), rows);
        float[] biased = get(rows, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] + rowBias[i % spatial], biased[i], 1e-6f, "row bias at " + i);
        }
        device.columnSums(batch * channels, spatial, dx, colSums, false);
        float[] cs = get(colSums, spatial);
        double[] cref = new double[spatial], cscale = new double[spatial];
        for (int r = 0; r < batch * channels; r++) {
            for (int i = 0; i < spatial; i++) {
                cref[i] += added[r * spatial + i];
                cscale[i] += Math.abs(added[r * spatial + i]);
            }
        }
        assertClose(cref, cscale, cs, batch * channels, "column sums");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void im2colAndCol2imMatchHostKernelsOnPaddedStridedShapes(int stride) {
        Conv2dGeometry g = Conv2dGeometry.of(3, 9, 7, 4, 3, stride, 1);
        int batch = 3, per = g.positions() * g.patchSize();
        float[] x = random(batch * g.inputSize(), stride);
        float[] expectCols = new float[batch * per];
        for (int n = 0; n < batch; n++) {
            Im2col.im2col(g, x, n * g.inputSize(), expectCols, n * per);
        }
        DeviceBuffer dx = put(x), cols = device.allocate(batch * per), back = put(random(batch * g.inputSize(), 9));
        device.im2col(g, batch, dx, cols);
        float[] got = get(cols, batch * per);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expectCols[i], got[i], "cols[" + i + "]");
        }
        float[] expectDx = new float[batch * g.inputSize()];
        for (int n = 0; n < batch; n++) {
            Im2col.col2im(g, expectCols, n * per, expectDx, n * g.inputSize());
        }
        device.col2im(g, batch, cols, back);
        float[] gotDx = get(back, expectDx.length);
        for (int i = 0; i < gotDx.length; i++) {
            assertEquals(expectDx[i], gotDx[i], 1e-5f * Math.max(1f, Math.abs(expectDx[i])), "dx[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void maxPoolAndBackwardMatchHostKernel(int stride) {
        Pool2dGeometry g = new Pool2dGeometry(3, 9, 8, 3, stride);
        int batch = 2;
        float[] x = random(batch * g.inputSize(), stride + 20);
        x[5] = x[6];
        float[] dy = random(batch * g.outputSize(), stride + 21);
        float[] y = new float[dy.length];
        int[] argmax = new int[dy.length];
        float[] dxRef = new float[x.length];
        MaxPool2dKernel host = new MaxPool2dKernel(g, Parallelism.sequential());
        host.forward(batch, x, y, argmax);
        host.backward(batch, dy, argmax, dxRef);
        DeviceBuffer dx = put(x), dyy = put(dy), out = device.allocate(y.length), grad = put(random(x.length, 5));
        device.maxPool(g, batch, dx, out);
        device.maxPoolBackward(g, batch, dx, dyy, grad);
        float[] gotY = get(out, y.length), gotDx = get(grad, x.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], gotY[i], "y[" + i + "]");
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(dxRef[i], gotDx[i], 1e-6f, "dx[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33})
    void softmaxCrossEntropyMatchesHostKernel(int batch) {
        int classes = 10;
        float[] logits = random(batch * classes, batch);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 7) % classes;
        }
        float[] gradRef = new float[logits.length];
        double lossRef = SoftmaxCrossEntropy.lossAndGradient(batch, classes, logits, labels, gradRef);
        DeviceBuffer grad = device.allocate(logits.length);
        double loss = device.softmaxCrossEntropy(batch, classes, put(logits), labels, grad);
        assertEquals(lossRef, loss, 1e-5 * Math.max(1, lossRef), "loss");
        float[] g = get(grad, logits.length);
        for (int i = 0; i < g.length; i++) {
            assertEquals(gradRef[i], g[i], 1e-6f, "grad[" + i + "]");
        }
        assertThrows(IllegalArgumentException.class,
                () -> device.softmaxCrossEntropy(batch, classes, put(logits), badLabels(batch, classes), grad));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 31, 33, 257})
    void optimizerStepsAndEmaMatchHostElementwise(int n) {
        Elementwise host = KernelProvider.scalar().elementwise();
        float[] p = random(n, 1), g = random(n, 2), s1 = random(n, 3), s2 = random(n, 4);
        for (int i = 0; i < n; i++) {
            s2[i] = Math.abs(s2[i]);
        }
        MomentumStep mom = new MomentumStep(0.05, 0.9, 0, true, 1e-4, false);
        AdamStep adam = new AdamStep(1e-3, 0.9, 0.999, 1e-8, 1e-4, 3);
        SgdStep sgd = new SgdStep(0.1, 0.01);

        float[] pr = p.clone(), br = s1.clone();
        host.momentumUpdate(n, pr, 0, g, 0, br, 0, mom);
        DeviceBuffer dp = put(p), dg = put(g), db = put(s1);
        device.momentumUpdate(n, dp, dg, db, mom);
        assertArrayClose(pr, get(dp, n), "momentum param");
        assertArrayClose(br, get(db, n), "momentum buffer");

        float[] pa = p.clone(), m = s1.clone(), v = s2.clone();
        host.adamUpdate(n, pa, 0, g, 0, m, 0, v, 0, null, 0, adam);
        DeviceBuffer ap = put(p), am = put(s1), av = put(s2);
        device.adamUpdate(n, ap, dg, am, av, adam);
        assertArrayClose(pa, get(ap, n), "adam param");
        assertArrayClose(v, get(av, n), "adam v");

        float[] ps = p.clone();
        host.sgdUpdate(n, ps, 0, g, 0, sgd);
        DeviceBuffer sp = put(p);
        device.sgdUpdate(n, sp, dg, sgd);
        assertArrayClose(ps, get(sp, n), "sgd param");

        float[] y = s1.clone();
        host.emaInPlace(n, 0.05, g, 0, y, 0);
        DeviceBuffer dy = put(s1);
        device.emaInPlace(n, 0.05, dg, dy);
        assertArrayClose(y, get(dy, n), "ema");
    }

    @Test
    void regionsOutsideABufferAreRejectedNamingTheOperand() {
        DeviceBuffer b = device.allocate(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.upload(new float[16], 0, b, 4, 8));
        assertTrue(e.getMessage().contains("dst"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> device.allocate(0));
        b.close();
        b.close();
    }

    private static int[] badLabels(int batch, int classes) {
        int[] labels = new int[batch];
        labels[batch - 1] = classes;
        return labels;
    }

    private interface BufferAction {
        void apply(DeviceBuffer b);
    }

    private float[] run(float[] initial, BufferAction action) {
        try (DeviceBuffer b = put(initial)) {
            action.apply(b);
            return get(b, initial.length);
        }
    }

    protected DeviceBuffer put(float[] x) {
        DeviceBuffer b = device.allocate(x.length);
        device.upload(x, 0, b, 0, x.length);
        return b;
    }

    protected float[] get(DeviceBuffer b, int n) {
        float[] out = new float[n];
        device.download(b, 0, out, 0, n);
        return out;
    }

    protected static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** |got - ref| <= 4 * eps32 * (reduction length + 1) * scale, the float32 rounding bound's order. */
    private static void assertClose(double[] ref, double[] scale, float[] got, int length, String what) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / Math.max(scale[i], Double.MIN_NORMAL));
        }
        double tol = 4 * Math.ulp(1f) * (length + 1);
        assertTrue(worst <= tol, what + ": max relative error " + worst + " > " + tol);
    }

    private static void assertArrayClose(float[] expected, float[] got, String what) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - got[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        assertTrue(worst <= 1e-5, what + ": max relative error " + worst);
    }
}
