package geodesic.nn;

import java.util.SplittableRandom;

/**
 * How {@link Dense} and {@link Conv2d} draw their initial weights; biases always start at zero.
 *
 * <p>Both schemes draw independently from a uniform distribution {@code U(-bound, bound)}, with {@code fanIn} the
 * inputs per output (Dense: {@code in}; Conv2d: {@code channels * kernelH * kernelW}) and {@code fanOut} the outputs
 * per input (Dense: {@code out}; Conv2d: {@code outChannels * kernelH * kernelW}). Uniform draws need only
 * {@link SplittableRandom#nextDouble()}, so the same seed gives the same weights on every JDK.
 */
public enum WeightInit {
    /** He (Kaiming) uniform, {@code bound = sqrt(6 / fanIn)}: keeps activation variance through ReLU layers. */
    HE_UNIFORM {
        @Override
        double bound(int fanIn, int fanOut) {
            return Math.sqrt(6.0 / fanIn);
        }
    },
    /** Glorot (Xavier) uniform, {@code bound = sqrt(6 / (fanIn + fanOut))}: for layers not followed by a ReLU. */
    GLOROT_UNIFORM {
        @Override
        double bound(int fanIn, int fanOut) {
            return Math.sqrt(6.0 / (fanIn + fanOut));
        }
    };

    abstract double bound(int fanIn, int fanOut);

    /** Fills {@code w} with draws from {@code U(-bound, bound)} of this scheme, from a generator seeded by {@code seed}. */
    void fill(float[] w, int fanIn, int fanOut, long seed) {
        double bound = bound(fanIn, fanOut);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2.0 * rng.nextDouble() - 1.0) * bound);
        }
    }
}
