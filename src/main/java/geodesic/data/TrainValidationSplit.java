package geodesic.data;

import java.util.Arrays;

/**
 * A training set and the validation set carved out of it.
 *
 * <p>{@link #holdOut} draws the validation examples with a seeded random permutation; both parts keep the original
 * relative order of their examples, and the same data, count and seed always give the same split.
 *
 * @param train      the examples left for training
 * @param validation the held-out examples
 */
public record TrainValidationSplit(Dataset train, Dataset validation) {
    /** Default share of the training data held out for validation. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    /**
     * Holds out {@code validationCount} examples of {@code data}, chosen by {@code seed}; copies into two new
     * datasets, leaving {@code data} unchanged.
     *
     * @throws IllegalArgumentException unless {@code 0 < validationCount < data.size()}
     */
    public static TrainValidationSplit holdOut(Dataset data, int validationCount, long seed) {
        int n = data.size();
        if (validationCount <= 0 || validationCount >= n) {
            throw new IllegalArgumentException("validation count must be in [1, " + (n - 1) + "] for "
                    + data.name() + " of " + n + " examples, got " + validationCount);
        }
        int[] order = SeededOrder.permutation(n, seed, SeededOrder.SPLIT_STREAM);
        int[] validation = Arrays.copyOfRange(order, 0, validationCount);
        int[] train = Arrays.copyOfRange(order, validationCount, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        String how = " (seed " + seed + ")";
        return new TrainValidationSplit(
                data.select(train, data.name() + " (train split)", data.source() + ", " + train.length
                        + " examples kept after holding out " + validationCount + how),
                data.select(validation, data.name() + " (validation split)", data.source() + ", "
                        + validationCount + " examples held out for validation" + how));
    }

    /**
     * Holds out {@code round(fraction * N)} examples (at least one, and at least one left for training).
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction < 1}, or if {@code data} has fewer than 2 examples
     */
    public static TrainValidationSplit holdOutFraction(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        int n = data.size();
        int count = (int) Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
        return holdOut(data, count, seed);
    }
}
