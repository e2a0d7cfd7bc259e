package geodesic.nn;

/**
 * The model zoo: the networks Geodesic's experiments train, each returned as a {@link Sequential.Builder} so the
 * caller can choose kernels and {@link geodesic.kernel.Parallelism} before {@code build(seed)}.
 *
 * <p>All convolutions are followed by ReLU (so they get He initialization) and all classifiers end in a Dense layer
 * producing logits for {@link CrossEntropyLoss}. Parameter counts below are exact and asserted by the tests.
 *
 * <p>The paper trains AlexNet and VGG with "kernel size and stride modified to fit" 28x28 and 32x32 images. The
 * {@link #alexNet} and {@link #vgg} variants here make the same adaptation, 3x3 kernels with stride 1 and padding 1
 * throughout, and halve the channel widths (and shrink the classifiers) so that an epoch of Fashion-MNIST or
 * CIFAR-10 takes minutes, not hours, on two CPU cores: about 87 and 77 million multiply-adds per 3x32x32 image
 * forward respectively.
 */
public final class Architectures {
    private Architectures() {
    }

    /**
     * Multi-layer perceptron for 1x28x28 images: flatten, dense 784-256, ReLU, dense 256-256, ReLU, dense 256-10.
     * 269,322 parameters.
     */
    public static Sequential.Builder mlp() {
        return Sequential.builder(1, 28, 28)
                .flatten()
                .dense(256).relu()
                .dense(256).relu()
                .dense(10);
    }

    /**
     * The reference CNN for 1x28x28 images: conv 5x5 32 channels padding 2, ReLU, max pool 2; conv 5x5 64 channels
     * padding 2, ReLU, max pool 2; flatten (64x7x7 = 3136); dense 3136-256, ReLU; dense 256-10. 857,738 parameters.
     */
    public static Sequential.Builder referenceCnn() {
        return Sequential.builder(1, 28, 28)
                .conv2d(32, 5, 1, 2).relu().maxPool2d(2)
                .conv2d(64, 5, 1, 2).relu().maxPool2d(2)
                .flatten()
                .dense(256).relu()
                .dense(10);
    }

    /**
     * AlexNet-style network for square {@code channels x size x size} images. AlexNet's five convolutions with
     * 64-192-384-256-256 channels (torchvision's variant) become 3x3, stride 1, padding 1 convolutions with half the
     * channels, 32-96-192-128-128, each followed by ReLU, with a 2x2 max pool after the first, second and fifth, as
     * in AlexNet. The classifier keeps AlexNet's shape (dropout 0.5, dense, ReLU, dropout 0.5, dense, ReLU, dense)
     * with 512 instead of 4096 hidden units.
     *
     * <p>Parameters with 10 classes: 1,421,162 for 1x28x28 (flatten 128x3x3 = 1152), 1,880,490 for 3x32x32
     * (flatten 128x4x4 = 2048).
     *
     * @throws IllegalArgumentException if {@code size < 8} (the third pool would have nothing to pool) or another
     *                                  argument is not positive
     */
    public static Sequential.Builder alexNet(int channels, int size, int classes) {
        if (size < 8) {
            throw new IllegalArgumentException("alexNet needs images of at least 8x8 for its three pools, got "
                    + size + "x" + size);
        }
        return Sequential.builder(channels, size, size)
                .conv2d(32, 3, 1, 1).relu().maxPool2d(2)
                .conv2d(96, 3, 1, 1).relu().maxPool2d(2)
                .conv2d(192, 3, 1, 1).relu()
                .conv2d(128, 3, 1, 1).relu()
                .conv2d(128, 3, 1, 1).relu().maxPool2d(2)
                .flatten()
                .dropout(0.5f).dense(512).relu()
                .dropout(0.5f).dense(512).relu()
                .dense(classes);
    }

    /**
     * VGG-style network for square {@code channels x size x size} images: VGG-11's eight 3x3 convolutions (padding
     * 1) at half width, 32, pool, 64, pool, 128, 128, pool, 256, 256, pool, 256, 256, pool, each followed by batch
     * norm and ReLU (VGG-11 with batch norm). A pool is skipped once the image is down to 1x1, which for 28x28
     * inputs drops the last one (28, 14, 7, 3, 1). Classifier: flatten (256), dense 256-256, ReLU, dropout 0.5,
     * dense 256-classes.
     *
     * <p>Parameters with 10 classes: 2,376,778 for 1x28x28, 2,377,354 for 3x32x32 (the first convolution's extra
     * input channels); 2,752 of them are batch-norm scales and shifts.
     *
     * @throws IllegalArgumentException if an argument is not positive
     */
    public static Sequential.Builder vgg(int channels, int size, int classes) {
        Sequential.Builder b = Sequential.builder(channels, size, size);
        int[][] blocks = {{32}, {64}, {128, 128}, {256, 256}, {256, 256}};
        for (int[] block : blocks) {
            for (int width : block) {
                b.conv2d(width, 3, 1, 1).batchNorm().relu();
            }
            if (b.currentShape().dim(1) >= 2) {
                b.maxPool2d(2);
            }
        }
        return b.flatten()
                .dense(256).relu().dropout(0.5f)
                .dense(classes);
    }
}
