package geodesic.data;

import java.util.Arrays;

/**
 * Smaller copies of a dataset for shortened experiments. Both methods return new datasets whose examples keep their
 * original relative order.
 */
public final class Subsample {
    private Subsample() {
    }

    /**
     * The first {@code k} examples.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <= data.size()}
     */
    public static Dataset first(Dataset data, int k) {
        checkCount(data, k);
        int[] indices = new int[k];
        SeededOrder.identityInPlace(indices);
        return data.select(indices, data.name() + " (first " + k + ")", data.source() + ", first " + k
                + " examples");
    }

    /**
     * {@code k} examples drawn with {@code seed} so that each class keeps its share of the data: class {@code c}
     * gets {@code floor(k * n_c / N)} examples, and the examples still missing go to the classes with the largest
     * remainders (ties to the lower class). Within a class the examples are a seeded random choice.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <= data.size()}
     */
    public static Dataset stratified(Dataset data, int k, long seed) {
        checkCount(data, k);
        int n = data.size();
        int[] counts = data.classCounts();
        int[] quota = new int[counts.length];
        long[] remainder = new long[counts.length];
        int assigned = 0;
        for (int c = 0; c < counts.length; c++) {
            long scaled = (long) k * counts[c];
            quota[c] = (int) (scaled / n);
            remainder[c] = scaled % n;
            assigned += quota[c];
        }
        while (assigned < k) {
            int best = -1;
            for (int c = 0; c < counts.length; c++) {
                if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            assigned++;
        }
        int[] order = SeededOrder.permutation(n, seed, SeededOrder.SUBSAMPLE_STREAM);
        int[] taken = new int[counts.length];
        int[] chosen = new int[k];
        int next = 0;
        for (int index : order) {
            int c = data.label(index);
            if (taken[c] < quota[c]) {
                taken[c]++;
                chosen[next++] = index;
            }
        }
        Arrays.sort(chosen);
        return data.select(chosen, data.name() + " (stratified " + k + ")", data.source() + ", stratified subsample of "
                + k + " examples (seed " + seed + ")");
    }

    private static void checkCount(Dataset data, int k) {
        if (k < 1 || k > data.size()) {
            throw new IllegalArgumentException("subsample size must be in [1, " + data.size() + "] for "
                    + data.name() + ", got " + k);
        }
    }
}
