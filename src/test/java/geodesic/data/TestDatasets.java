package geodesic.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Small synthetic datasets for tests. */
final class TestDatasets {
    private TestDatasets() {
    }

    /**
     * {@code n} examples of {@code [c, h, w]} whose every pixel of example {@code e} equals {@code e} (so a batch
     * row tells which example it holds) and whose label is {@code e mod classes}.
     */
    static Dataset indexed(int n, int c, int h, int w, int classes) {
        int e = c * h * w;
        float[] pixels = new float[n * e];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * e, (i + 1) * e, i);
            labels[i] = i % classes;
        }
        return Dataset.of("indexed", "test", classes, c, h, w, pixels, labels);
    }

    /** {@code n} examples with random pixels; channel {@code k} is drawn from {@code k + (1 + k) * U(0, 1)}. */
    static Dataset random(int n, int c, int h, int w, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int plane = h * w;
        float[] pixels = new float[n * c * plane];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
            for (int k = 0; k < c; k++) {
                for (int p = 0; p < plane; p++) {
                    pixels[(i * c + k) * plane + p] = (float) (k + (1.0 + k) * random.nextDouble());
                }
            }
        }
        return Dataset.of("random", "test", classes, c, h, w, pixels, labels);
    }
}
