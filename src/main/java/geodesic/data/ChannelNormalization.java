package geodesic.data;

import java.util.Arrays;

/**
 * Per-channel standardisation {@code x -> (x - mean[c]) / std[c]}, with statistics fitted on a training split only
 * and then applied unchanged to training, validation and test data.
 *
 * <p>Statistics are accumulated in float64 over every pixel of a channel (population standard deviation). A channel
 * that is constant in the training data gets {@code std = 1}, so it is only centred rather than divided by zero.
 * Immutable and thread-safe.
 */
public final class ChannelNormalization {
    private final float[] mean;
    private final float[] std;

    private ChannelNormalization(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Explicit statistics, one entry per channel.
     *
     * @throws IllegalArgumentException if the lengths differ or are zero, or a value is not finite, or a standard
     *                                  deviation is not positive
     */
    public static ChannelNormalization of(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("need one mean and one std per channel, got " + mean.length
                    + " means and " + std.length + " stds");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] <= 0) {
                throw new IllegalArgumentException("channel " + c + ": mean " + mean[c] + ", std " + std[c]
                        + " (need finite values and std > 0)");
            }
        }
        return new ChannelNormalization(mean.clone(), std.clone());
    }

    /** Mean and standard deviation of each channel of {@code train}; reads it, does not change it. */
    public static ChannelNormalization fit(Dataset train) {
        int channels = train.channels();
        int plane = train.height() * train.width();
        float[] pixels = train.pixels();
        double[] sum = new double[channels];
        for (int e = 0; e < train.size(); e++) {
            for (int c = 0; c < channels; c++) {
                int base = (e * channels + c) * plane;
                double s = 0;
                for (int i = 0; i < plane; i++) {
                    s += pixels[base + i];
                }
                sum[c] += s;
            }
        }
        double count = (double) train.size() * plane;
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) {
            m[c] = sum[c] / count;
        }
        // A second pass around the mean avoids the cancellation of E[x^2] - E[x]^2.
        double[] squares = new double[channels];
        for (int e = 0; e < train.size(); e++) {
            for (int c = 0; c < channels; c++) {
                int base = (e * channels + c) * plane;
                double s = 0;
                for (int i = 0; i < plane; i++) {
                    double d = pixels[base + i] - m[c];
                    s += d * d;
                }
                squares[c] += s;
            }
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = (float) m[c];
            float sd = (float) Math.sqrt(squares[c] / count);
            std[c] = sd > 0 ? sd : 1f;
        }
        return new ChannelNormalization(mean, std);
    }

    /** A copy of the per-channel means. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-channel standard deviations. */
    public float[] std() {
        return std.clone();
    }

    /**
     * Standardises every pixel of {@code data} in place.
     *
     * @throws IllegalArgumentException if {@code data} has a different channel count
     */
    public void applyInPlace(Dataset data) {
        if (data.channels() != mean.length) {
            throw new IllegalArgumentException(data.name() + " has " + data.channels()
                    + " channels but the normalisation has " + mean.length);
        }
        int plane = data.height() * data.width();
        float[] pixels = data.pixels();
        float[] inverse = new float[mean.length];
        for (int c = 0; c < mean.length; c++) {
            inverse[c] = 1f / std[c];
        }
        for (int e = 0; e < data.size(); e++) {
            for (int c = 0; c < mean.length; c++) {
                int base = (e * mean.length + c) * plane;
                float m = mean[c];
                float s = inverse[c];
                for (int i = 0; i < plane; i++) {
                    pixels[base + i] = (pixels[base + i] - m) * s;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ChannelNormalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
