package geodesic.kernel;

/**
 * Shape of a 2-D pooling over NCHW images: square {@code kernel x kernel} windows moved by {@code stride} on both
 * axes, no padding. Output size per axis is {@code floor((in - kernel) / stride) + 1}, so trailing rows or columns
 * that no full window reaches are dropped.
 *
 * @param channels input (and output) channels C, {@code >= 1}
 * @param height   input height H, {@code >= kernel}
 * @param width    input width W, {@code >= kernel}
 * @param kernel   window side, {@code >= 1}
 * @param stride   window step, {@code >= 1}
 * @throws IllegalArgumentException if a value is not positive, the window is larger than the input, or one
 *                                  image exceeds {@code Integer.MAX_VALUE} elements
 */
public record Pool2dGeometry(int channels, int height, int width, int kernel, int stride) {

    public Pool2dGeometry {
        if (channels < 1 || height < 1 || width < 1 || kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("channels, height, width, kernel and stride must be >= 1, got "
                    + channels + ", " + height + ", " + width + ", " + kernel + ", " + stride);
        }
        if (kernel > height || kernel > width) {
            throw new IllegalArgumentException("pooling window " + kernel + "x" + kernel + " is larger than input "
                    + height + "x" + width);
        }
        long size = (long) channels * height * width;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input " + channels + "x" + height + "x" + width + " has " + size
                    + " elements, more than an array holds");
        }
    }

    /** Output height {@code (height - kernel) / stride + 1}. */
    public int outHeight() {
        return (height - kernel) / stride + 1;
    }

    /** Output width {@code (width - kernel) / stride + 1}. */
    public int outWidth() {
        return (width - kernel) / stride + 1;
    }

    /** Elements of one input image, {@code channels * height * width}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Elements of one output image, {@code channels * outHeight * outWidth}. */
    public int outputSize() {
        return channels * outHeight() * outWidth();
    }

    @Override
    public String toString() {
        return "Pool2d " + channels + "x" + height + "x" + width + " -> " + channels + "x" + outHeight() + "x"
                + outWidth() + ", kernel " + kernel + ", stride " + stride;
    }
}
