package geodesic.data;

import geodesic.tensor.Tensor;

/**
 * One mini-batch: {@code size} examples as a {@code [size, C, H, W]} tensor and their labels.
 *
 * <p><b>Memory.</b> Batches are buffers owned and reused by their {@link BatchLoader}: a batch's contents are valid
 * only until the next call to {@code next}, {@code startEpoch}, {@code seek} or {@code close} on that loader. The
 * arrays are exposed without copies; a caller may modify them (e.g. augment in place) before that point.
 */
public final class Batch {
    private final float[] pixels;
    private final int[] labels;
    private final Tensor images;
    private int epoch;
    private int index;

    Batch(int size, int channels, int height, int width) {
        this.pixels = new float[Tensor.checkedSize(size, channels, height, width)];
        this.labels = new int[size];
        this.images = Tensor.wrap(pixels, size, channels, height, width);
    }

    /** The images, {@code [size, C, H, W]}, backed by this batch's reused buffer. */
    public Tensor images() {
        return images;
    }

    /** The labels, one per example, backed by this batch's reused buffer. */
    public int[] labels() {
        return labels;
    }

    /** Number of examples; equal to the batch size except for a kept final partial batch. */
    public int size() {
        return labels.length;
    }

    /** The epoch this batch belongs to. */
    public int epoch() {
        return epoch;
    }

    /** Index of this batch within its epoch, from 0. */
    public int index() {
        return index;
    }

    float[] pixelArray() {
        return pixels;
    }

    void label(int epoch, int index) {
        this.epoch = epoch;
        this.index = index;
    }

    @Override
    public String toString() {
        return "Batch[epoch " + epoch + ", index " + index + ", " + images + "]";
    }
}
