package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeededOrderTest {
    /** {@code epochPermutationInPlace(new int[12], 2024, 5)} as first computed; SplitMix64 is specified. */
    private static final int[] PINNED = {7, 11, 3, 6, 4, 1, 10, 0, 5, 2, 8, 9};

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8, 9, 31, 33, 129, 257})
    void epochPermutationIsAPermutationAndReproducible(int n) {
        int[] a = new int[n];
        int[] b = new int[n];
        SeededOrder.epochPermutationInPlace(a, 42, 3);
        SeededOrder.epochPermutationInPlace(b, 42, 3);

        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        int[] identity = new int[n];
        SeededOrder.identityInPlace(identity);
        assertArrayEquals(identity, sorted, "not a permutation: " + Arrays.toString(a));
    }

    @Test
    void epochsAndSeedsGiveDifferentOrders() {
        int[] epoch0 = new int[257];
        int[] epoch1 = new int[257];
        int[] otherSeed = new int[257];
        SeededOrder.epochPermutationInPlace(epoch0, 7, 0);
        SeededOrder.epochPermutationInPlace(epoch1, 7, 1);
        SeededOrder.epochPermutationInPlace(otherSeed, 8, 0);

        assertFalse(Arrays.equals(epoch0, epoch1));
        assertFalse(Arrays.equals(epoch0, otherSeed));
    }

    @Test
    void orderIsPinnedSoCheckpointsResumeIdenticallyAcrossVersions() {
        int[] order = new int[12];
        SeededOrder.epochPermutationInPlace(order, 2024, 5);

        assertArrayEquals(PINNED, order, "the seeded order changed: " + Arrays.toString(order));
    }

    @Test
    void negativeEpochIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SeededOrder.forEpoch(1, -1));
    }
}
