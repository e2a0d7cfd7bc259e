package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainValidationSplitTest {
    /** Which original examples a split part holds, read back from the indexed pixels. */
    private static int[] origins(Dataset part) {
        int e = part.exampleSize();
        return IntStream.range(0, part.size()).map(i -> (int) part.pixels()[i * e]).toArray();
    }

    @ParameterizedTest
    @CsvSource({"2, 1", "9, 1", "33, 7", "257, 26"})
    void partsAreDisjointCoverTheDataAndKeepOriginalOrder(int n, int validationCount) {
        Dataset data = TestDatasets.indexed(n, 1, 2, 3, 10);

        TrainValidationSplit split = TrainValidationSplit.holdOut(data, validationCount, 99);

        int[] train = origins(split.train());
        int[] validation = origins(split.validation());
        assertEquals(validationCount, validation.length);
        assertEquals(n - validationCount, train.length);
        int[] all = IntStream.concat(Arrays.stream(train), Arrays.stream(validation)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, n).toArray(), all);
        assertArrayEquals(Arrays.stream(train).sorted().toArray(), train);
        assertArrayEquals(Arrays.stream(validation).sorted().toArray(), validation);
        for (int i = 0; i < train.length; i++) {
            assertEquals(train[i] % 10, split.train().label(i), "labels travel with their images");
        }
    }

    @Test
    void sameSeedGivesTheSameSplitAndAnotherSeedADifferentOne() {
        Dataset data = TestDatasets.indexed(200, 1, 1, 1, 10);

        int[] a = origins(TrainValidationSplit.holdOut(data, 20, 5).validation());
        int[] b = origins(TrainValidationSplit.holdOut(data, 20, 5).validation());
        int[] c = origins(TrainValidationSplit.holdOut(data, 20, 6).validation());

        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void validationIsNotTheFirstEpochsFirstBatch() {
        Dataset data = TestDatasets.indexed(100, 1, 1, 1, 10);
        int[] epoch0 = new int[100];
        SeededOrder.epochPermutationInPlace(epoch0, 3, 0);

        int[] validation = origins(TrainValidationSplit.holdOut(data, 10, 3).validation());

        assertFalse(Arrays.equals(Arrays.stream(epoch0, 0, 10).sorted().toArray(), validation),
                "split and epoch 0 should draw from different streams");
    }

    @Test
    void fractionRoundsAndKeepsBothPartsNonEmpty() {
        Dataset data = TestDatasets.indexed(60, 1, 1, 1, 10);

        assertEquals(6, TrainValidationSplit.holdOutFraction(data, 0.1, 1).validation().size());
        assertEquals(1, TrainValidationSplit.holdOutFraction(data, 0.001, 1).validation().size());
        assertEquals(59, TrainValidationSplit.holdOutFraction(data, 0.999, 1).validation().size());
        assertEquals(0.1, TrainValidationSplit.DEFAULT_VALIDATION_FRACTION);
    }

    @Test
    void namesAndSourcesSayWhatWasSplit() {
        TrainValidationSplit split = TrainValidationSplit.holdOut(TestDatasets.indexed(10, 1, 1, 1, 2), 3, 17);

        assertEquals("indexed (validation split)", split.validation().name());
        assertTrue(split.validation().source().contains("3 examples held out for validation (seed 17)"),
                split.validation().source());
        assertTrue(split.train().source().contains("7 examples kept"), split.train().source());
    }

    @Test
    void impossibleCountsAndFractionsAreRejected() {
        Dataset data = TestDatasets.indexed(10, 1, 1, 1, 2);

        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.holdOut(data, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.holdOut(data, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.holdOutFraction(data, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.holdOutFraction(data, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.holdOutFraction(data, Double.NaN, 1));
    }
}
