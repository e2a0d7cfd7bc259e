package geodesic.bench;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The GEMM shapes Geodesic is benchmarked on: squares, and every product of one training step of the reference
 * CNN and the MLP at batch 128 (forward, and both backward products, with the transposes the layers use).
 * Convolutions appear twice: in the batched im2col form ({@code conv1.fwd}: cols [N*P x patch] times W
 * [patch x outC]), the usual way to pose them, and as the per-image products {@code Conv2dKernel} runs 128 of per
 * batch ({@code conv2.img.fwd}: W^T colsT_n; {@code .dW}: colsT_n dy_n^T; {@code .dX}: W dy_n).
 */
record GemmShape(String name, boolean transA, boolean transB, int m, int n, int k) {

    static final Map<String, GemmShape> ALL = Map.ofEntries(
            square(128), square(256), square(512), square(1024),
            entry("conv1.fwd", false, false, 128 * 784, 32, 25),
            entry("conv1.dW", true, false, 25, 32, 128 * 784),
            entry("conv2.fwd", false, false, 128 * 196, 64, 800),
            entry("conv2.dW", true, false, 800, 64, 128 * 196),
            entry("conv2.dX", false, true, 128 * 196, 800, 64),
            entry("conv1.img.fwd", false, false, 32, 784, 25),
            entry("conv1.img.dW", false, false, 25, 32, 784),
            entry("conv2.img.fwd", false, false, 64, 196, 800),
            entry("conv2.img.dW", false, false, 800, 64, 196),
            entry("conv2.img.dX", false, false, 800, 196, 64),
            entry("fc1.fwd", false, false, 128, 256, 3136),
            entry("fc1.dX", false, true, 128, 3136, 256),
            entry("fc1.dW", true, false, 3136, 256, 128),
            entry("fc2.fwd", false, false, 128, 10, 256),
            entry("fc2.dX", false, true, 128, 256, 10),
            entry("fc2.dW", true, false, 256, 10, 128),
            entry("mlp1.fwd", false, false, 128, 256, 784),
            entry("mlp1.dW", true, false, 784, 256, 128),
            entry("mlp2.fwd", false, false, 128, 256, 256),
            entry("mlp2.dX", false, true, 128, 256, 256),
            entry("mlp2.dW", true, false, 256, 256, 128));

    static GemmShape of(String name) {
        GemmShape s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown GEMM shape '" + name + "'; known: " + ALL.keySet());
        }
        return s;
    }

    private static Map.Entry<String, GemmShape> square(int n) {
        return entry("sq" + n, false, false, n, n, n);
    }

    private static Map.Entry<String, GemmShape> entry(String name, boolean ta, boolean tb, int m, int n, int k) {
        return Map.entry(name, new GemmShape(name, ta, tb, m, n, k));
    }

    /** Row stride of A as stored. */
    int lda() {
        return transA ? m : k;
    }

    /** Row stride of B as stored. */
    int ldb() {
        return transB ? k : n;
    }

    double flops() {
        return 2.0 * m * n * k;
    }

    static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }
}
