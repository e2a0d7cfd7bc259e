package geodesic.kernel;

/**
 * One thread's scratch buffers for {@link Conv2dKernel}, grown on demand and then reused, so steady-state
 * convolution calls allocate none. Held in a {@link ThreadLocal}: the calling thread's {@link #weights} and
 * {@link #partials} buffers may be shared with the parts of one {@link Parallelism#run} call it makes (reads or
 * disjoint writes only), while the others are used only by the thread that owns them.
 */
final class ConvolutionWorkspace {
    private static final ThreadLocal<ConvolutionWorkspace> CURRENT =
            ThreadLocal.withInitial(ConvolutionWorkspace::new);

    private float[] patches = new float[0];
    private float[] gradient = new float[0];
    private float[] partials = new float[0];
    private float[] weights = new float[0];
    private float[] paddedImage = new float[0];

    /** The calling thread's workspace. */
    static ConvolutionWorkspace current() {
        return CURRENT.get();
    }

    /** Rows of one image's patch-major patch matrix, {@code taps x positions}; contents unspecified. */
    float[] patches(int size) {
        patches = atLeast(patches, size);
        return patches;
    }

    /** One image's output gradient in position-major order, {@code positions x outChannels}; contents unspecified. */
    float[] gradient(int size) {
        gradient = atLeast(gradient, size);
        return gradient;
    }

    /** One image, or its input gradient, with the convolution's padding around it; contents unspecified. */
    float[] paddedImage(int size) {
        paddedImage = atLeast(paddedImage, size);
        return paddedImage;
    }

    /** Partial weight gradients of groups of images, {@code [groups][patch][outChannels]}; contents unspecified. */
    float[] partials(int size) {
        partials = atLeast(partials, size);
        return partials;
    }

    /** The weights in the transposed layout, {@code outChannels x patch}; contents unspecified. */
    float[] weights(int size) {
        weights = atLeast(weights, size);
        return weights;
    }

    /** {@code buffer} if it holds {@code size} floats, else a new one that does. */
    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length < size ? new float[size] : buffer;
    }
}
