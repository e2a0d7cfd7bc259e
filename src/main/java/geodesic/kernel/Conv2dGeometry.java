package geodesic.kernel;

/**
 * Shape of a 2-D convolution over NCHW images with zero padding: {@code channels x height x width} inputs,
 * {@code outChannels} filters of {@code kernelH x kernelW} taps, strides and symmetric paddings per axis.
 *
 * <p>Output size per axis is {@code floor((in + 2 * pad - kernel) / stride) + 1}. A patch (one row of the im2col
 * matrix) has {@link #patchSize()} {@code = channels * kernelH * kernelW} entries, tap {@code (c, i, j)} at index
 * {@code c * kernelH * kernelW + i * kernelW + j}; the conv weights are stored {@code [patchSize x outChannels]}.
 *
 * @param channels    input channels C, {@code >= 1}
 * @param height      input height H, {@code >= 1}
 * @param width       input width W, {@code >= 1}
 * @param outChannels output channels (filters), {@code >= 1}
 * @param kernelH     kernel height, {@code >= 1}
 * @param kernelW     kernel width, {@code >= 1}
 * @param strideH     vertical stride, {@code >= 1}
 * @param strideW     horizontal stride, {@code >= 1}
 * @param padH        zero rows added above and below, {@code 0 <= padH < kernelH}
 * @param padW        zero columns added left and right, {@code 0 <= padW < kernelW}
 * @throws IllegalArgumentException if a size or stride is not positive, a padding is negative or not smaller than
 *                                  its kernel size, the kernel does not fit the padded input (output size 0), or
 *                                  one image's input, output or patch matrix exceeds {@code Integer.MAX_VALUE}
 *                                  elements
 */
public record Conv2dGeometry(int channels, int height, int width, int outChannels, int kernelH, int kernelW,
                             int strideH, int strideW, int padH, int padW) {

    public Conv2dGeometry {
        requirePositive("channels", channels);
        requirePositive("height", height);
        requirePositive("width", width);
        requirePositive("outChannels", outChannels);
        requirePositive("kernelH", kernelH);
        requirePositive("kernelW", kernelW);
        requirePositive("strideH", strideH);
        requirePositive("strideW", strideW);
        if (padH < 0 || padH >= kernelH) {
            throw new IllegalArgumentException("padH must be in [0, kernelH) = [0, " + kernelH + "), got " + padH);
        }
        if (padW < 0 || padW >= kernelW) {
            throw new IllegalArgumentException("padW must be in [0, kernelW) = [0, " + kernelW + "), got " + padW);
        }
        if ((long) height + 2L * padH < kernelH || (long) width + 2L * padW < kernelW) {
            throw new IllegalArgumentException("kernel " + kernelH + "x" + kernelW + " does not fit input "
                    + height + "x" + width + " padded by " + padH + "x" + padW + ": output would be empty");
        }
        long outH = ((long) height + 2L * padH - kernelH) / strideH + 1;
        long outW = ((long) width + 2L * padW - kernelW) / strideW + 1;
        long patch = (long) channels * kernelH * kernelW;
        requireIntSize("input " + channels + "x" + height + "x" + width, (long) channels * height * width);
        requireIntSize("output " + outChannels + "x" + outH + "x" + outW, outChannels * outH * outW);
        requireIntSize("patch matrix " + outH * outW + "x" + patch, outH * outW * patch);
        requireIntSize("weights " + patch + "x" + outChannels, patch * outChannels);
    }

    /**
     * Square kernel, equal strides and equal paddings on both axes.
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static Conv2dGeometry of(int channels, int height, int width, int outChannels, int kernel, int stride,
                                    int pad) {
        return new Conv2dGeometry(channels, height, width, outChannels, kernel, kernel, stride, stride, pad, pad);
    }

    /** Output height {@code (height + 2 padH - kernelH) / strideH + 1}. */
    public int outHeight() {
        return (int) (((long) height + 2L * padH - kernelH) / strideH + 1);
    }

    /** Output width {@code (width + 2 padW - kernelW) / strideW + 1}. */
    public int outWidth() {
        return (int) (((long) width + 2L * padW - kernelW) / strideW + 1);
    }

    /** Output positions per image and channel, {@code outHeight * outWidth}: the rows of one image's patch matrix. */
    public int positions() {
        return outHeight() * outWidth();
    }

    /** Entries per patch, {@code channels * kernelH * kernelW}: the columns of the patch matrix, rows of W. */
    public int patchSize() {
        return channels * kernelH * kernelW;
    }

    /** Elements of one input image, {@code channels * height * width}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Elements of one output image, {@code outChannels * outHeight * outWidth}. */
    public int outputSize() {
        return outChannels * positions();
    }

    /** Elements of the weight matrix, {@code patchSize * outChannels}. */
    public int weightSize() {
        return patchSize() * outChannels;
    }

    @Override
    public String toString() {
        return "Conv2d " + channels + "x" + height + "x" + width + " -> " + outChannels + "x" + outHeight() + "x"
                + outWidth() + ", kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW
                + ", pad " + padH + "x" + padW;
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private static void requireIntSize(String what, long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " has " + elements + " elements, more than an array holds");
        }
    }
}
