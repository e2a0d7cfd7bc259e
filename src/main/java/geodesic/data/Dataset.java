package geodesic.data;

import geodesic.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code N} labelled images: pixels as float32 NCHW (row-major {@code [N, C, H, W]}) in one array, one label in
 * {@code [0, numClasses)} per example, a name (e.g. {@code "Fashion-MNIST train"}) and a description of where the
 * data came from, for a {@code "data: ..."} line.
 *
 * <p><b>Memory.</b> The pixel array is owned by the dataset and exposed without copying ({@link #pixels()},
 * {@link #images()}); the only mutation the package performs on it is {@link ChannelNormalization#applyInPlace}.
 * {@link #select} copies the chosen examples into a new dataset.
 *
 * <p><b>Threading.</b> Safe to read from many threads once published; not safe to read while another thread
 * normalises it in place.
 */
public final class Dataset {
    private final String name;
    private final String source;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] pixels;
    private final int[] labels;

    private Dataset(String name, String source, int numClasses, int channels, int height, int width, float[] pixels,
            int[] labels) {
        this.name = name;
        this.source = source;
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * A dataset over {@code pixels} and {@code labels}, both taken over without copying.
     *
     * @param pixels NCHW pixels, {@code labels.length * channels * height * width} floats
     * @param labels one label per example, each in {@code [0, numClasses)}
     * @throws IllegalArgumentException if the name is blank, a dimension or {@code numClasses} is not positive, there
     *                                  are no examples, the pixel count does not match, or a label is out of range
     */
    public static Dataset of(String name, String source, int numClasses, int channels, int height, int width,
            float[] pixels, int[] labels) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("dataset name must not be blank");
        }
        if (numClasses <= 0) {
            throw new IllegalArgumentException(name + ": numClasses must be positive, got " + numClasses);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException(name + ": a dataset needs at least one example");
        }
        int exampleSize = Tensor.checkedSize(channels, height, width);
        long expected = (long) labels.length * exampleSize;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + labels.length + " examples of [" + channels + ", " + height
                    + ", " + width + "] need " + expected + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        return new Dataset(name, source, numClasses, channels, height, width, pixels, labels);
    }

    /** Short name, e.g. {@code "Fashion-MNIST train"}. */
    public String name() {
        return name;
    }

    /** Where the data came from, e.g. a directory and how it was found. */
    public String source() {
        return source;
    }

    /** Number of examples {@code N}. */
    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return numClasses;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Floats per example, {@code C * H * W}. */
    public int exampleSize() {
        return channels * height * width;
    }

    /** The NCHW pixel array itself (not a copy); writes change this dataset. */
    public float[] pixels() {
        return pixels;
    }

    /** A {@code [N, C, H, W]} tensor sharing the pixel array. */
    public Tensor images() {
        return Tensor.wrap(pixels, labels.length, channels, height, width);
    }

    /** Label of example {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** The labels array itself, for the package's batch filling without a copy. */
    int[] labelArray() {
        return labels;
    }

    /** How many examples each class has: entry {@code k} counts label {@code k}. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A new dataset holding copies of the examples at {@code indices}, in that order.
     *
     * @throws IllegalArgumentException if {@code indices} is empty or holds an index outside {@code [0, N)}
     */
    public Dataset select(int[] indices, String newName, String newSource) {
        if (indices.length == 0) {
            throw new IllegalArgumentException(name + ": cannot select zero examples");
        }
        int e = exampleSize();
        float[] newPixels = new float[Math.multiplyExact(indices.length, e)];
        int[] newLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            if (src < 0 || src >= labels.length) {
                throw new IllegalArgumentException(name + ": index " + src + " at position " + i + " is outside [0, "
                        + labels.length + ")");
            }
            System.arraycopy(pixels, src * e, newPixels, i * e, e);
            newLabels[i] = labels[src];
        }
        return new Dataset(newName, newSource, numClasses, channels, height, width, newPixels, newLabels);
    }

    /** One line for a {@code "data: ..."} log entry: name, count, example shape, classes and source. */
    public String describe() {
        return name + ": " + size() + " examples of " + Arrays.toString(new int[] {channels, height, width}) + ", "
                + numClasses + " classes, from " + source;
    }

    @Override
    public String toString() {
        return describe();
    }
}
