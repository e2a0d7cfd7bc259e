package geodesic.cli;

import java.util.SplittableRandom;

/**
 * The fixed batch {@code bench train} times steps on: Gaussian 1x28x28 pixels and uniform labels in {@code [0, 10)}.
 * The values do not change the work a step does, only that it is the same for every optimizer and device.
 *
 * @param pixels {@code batch * 784} floats, image after image
 * @param labels {@code batch} class indices
 */
record BenchBatch(float[] pixels, int[] labels) {

    /** A batch of {@code batch} images drawn from {@code seed}. */
    static BenchBatch random(int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pixels = new float[batch * 784];
        int[] labels = new int[batch];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(10);
        }
        return new BenchBatch(pixels, labels);
    }
}
