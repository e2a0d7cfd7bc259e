package geodesic.data;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Reproducible random orders derived from a user seed.
 *
 * <p>Each use draws from its own stream: epoch {@code e} of a shuffle uses stream {@code e}, while splits and
 * subsamples use negative streams, so a validation split and the first epoch's order are not the same permutation.
 * The generator is {@link SplittableRandom}, whose algorithm (SplitMix64) is fixed by its specification, so orders
 * are identical on every JDK and platform.
 */
public final class SeededOrder {
    static final long SPLIT_STREAM = -1;
    static final long SUBSAMPLE_STREAM = -2;

    private SeededOrder() {
    }

    /**
     * The generator for epoch {@code epoch} under {@code seed}: the same pair always yields the same sequence.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public static RandomGenerator forEpoch(long seed, int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        return generator(seed, epoch);
    }

    /**
     * Fills {@code order} with a permutation of {@code 0..order.length-1} that depends only on {@code seed},
     * {@code epoch} and the length; in place.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public static void epochPermutationInPlace(int[] order, long seed, int epoch) {
        identityInPlace(order);
        shuffleInPlace(order, forEpoch(seed, epoch));
    }

    static RandomGenerator generator(long seed, long stream) {
        // Mixing makes nearby (seed, stream) pairs give unrelated SplitMix64 seeds.
        return new SplittableRandom(mix(seed ^ mix(stream + 0x9E3779B97F4A7C15L)));
    }

    static void identityInPlace(int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Fisher-Yates: every permutation equally likely given a uniform generator. */
    static void shuffleInPlace(int[] order, RandomGenerator random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A permutation of {@code 0..n-1} from the given stream. */
    static int[] permutation(int n, long seed, long stream) {
        int[] order = new int[n];
        identityInPlace(order);
        shuffleInPlace(order, generator(seed, stream));
        return order;
    }

    /** The MurmurHash3 64-bit finaliser: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
