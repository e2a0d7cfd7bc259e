package geodesic.kernel;

/**
 * One thread's scratch buffers for {@link Conv2dKernel}, grown on demand and then reused, so steady-state
 * convolution calls allocate none. Held in a {@link ThreadLocal}: the calling thread's {@link #weights} buffer may
 * be shared with the parts of one {@link Parallelism#run} call it makes (disjoint writes or reads only), while
 * {@link #image} and {@link #paddedImage} are used only by the thread that owns them.
 */
final class ConvolutionWorkspace {
    private static final ThreadLocal<ConvolutionWorkspace> CURRENT =
            ThreadLocal.withInitial(ConvolutionWorkspace::new);

    private float[] image = new float[0];
    private float[] weights = new float[0];
    private float[] paddedImage = new float[0];

    /** The calling thread's workspace. */
    static ConvolutionWorkspace current() {
        return CURRENT.get();
    }

    /** One image's output in position-major order, {@code positions x outChannels}; contents unspecified. */
    float[] image(int size) {
        if (image.length < size) {
            image = new float[size];
        }
        return image;
    }

    /** One image's input gradient with the convolution's padding around it; contents unspecified. */
    float[] paddedImage(int size) {
        if (paddedImage.length < size) {
            paddedImage = new float[size];
        }
        return paddedImage;
    }

    /** A weight-shaped matrix in the transposed layout, {@code outChannels x patch}; contents unspecified. */
    float[] weights(int size) {
        if (weights.length < size) {
            weights = new float[size];
        }
        return weights;
    }
}
