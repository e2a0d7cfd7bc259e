package geodesic.nn;

import geodesic.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in {@link Mode#TRAIN} each element is zeroed with probability {@code p} and the survivors are
 * scaled by {@code 1 / (1 - p)}, so the expected output equals the input and {@link Mode#EVAL} is the identity
 * (it returns {@code x} itself). Backward multiplies {@code dy} by the same mask.
 *
 * <p>The mask comes from a generator seeded by {@link #initialize(long)} that advances with every training forward:
 * a model built and trained with the same seed and the same batches drops the same elements. Each element's
 * decision uses 24 random bits, so {@code p} is effectively rounded to a multiple of {@code 2^-24}.
 *
 * <p>Lifecycle, memory, threading and failures as for every {@link Layer}.
 */
public final class Dropout extends LayerBase {
    private static final int RANDOM_BITS = 24;

    private final float p;
    private final int dropThreshold;
    private final float keepScale;
    private SplittableRandom rng = new SplittableRandom(0);
    private Tensor mask;
    private Tensor output;
    private Tensor inputGradient;

    /**
     * A dropout layer; call {@link #initialize(long)} to seed its generator.
     *
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
     */
    Dropout(String name, Shape shape, float p) {
        super(name, shape, shape);
        requireProbability(name, p);
        this.p = p;
        this.dropThreshold = (int) Math.round(p * (double) (1 << RANDOM_BITS));
        this.keepScale = 1f / (1f - p);
    }

    static void requireProbability(String name, float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException(name + ": dropout probability must be in [0, 1), got " + p);
        }
    }

    /** The probability of zeroing an element during training. */
    public float probability() {
        return p;
    }

    @Override
    Tensor trainingForward(Tensor x, int n) {
        mask = reuse(mask, outputShape, n);
        output = reuse(output, outputShape, n);
        float[] m = mask.data();
        float[] xd = x.data();
        float[] y = output.data();
        for (int i = 0; i < m.length; i++) {
            m[i] = (rng.nextInt() >>> (Integer.SIZE - RANDOM_BITS)) >= dropThreshold ? keepScale : 0f;
            y[i] = xd[i] * m[i];
        }
        return output;
    }

    @Override
    Tensor inferenceForward(Tensor x, int n) {
        return x;
    }

    @Override
    Tensor trainingBackward(Tensor dy, int n, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        inputGradient = reuse(inputGradient, inputShape, n);
        float[] m = mask.data();
        float[] g = dy.data();
        float[] dx = inputGradient.data();
        for (int i = 0; i < m.length; i++) {
            dx[i] = g[i] * m[i];
        }
        return inputGradient;
    }

    @Override
    public void initialize(long seed) {
        rng = new SplittableRandom(seed);
    }
}
