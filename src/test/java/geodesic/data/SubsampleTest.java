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

class SubsampleTest {
    private static int[] origins(Dataset part) {
        int e = part.exampleSize();
        return IntStream.range(0, part.size()).map(i -> (int) part.pixels()[i * e]).toArray();
    }

    @Test
    void firstKeepsTheLeadingExamples() {
        Dataset d = Subsample.first(TestDatasets.indexed(33, 1, 2, 2, 10), 9);

        assertArrayEquals(IntStream.range(0, 9).toArray(), origins(d));
    }

    @ParameterizedTest
    @CsvSource({"100, 10, 10", "257, 31, 7", "1000, 129, 10", "33, 1, 3", "33, 33, 3"})
    void stratifiedKeepsEachClassShareWithinOneAndIsReproducible(int n, int k, int classes) {
        Dataset data = TestDatasets.random(n, 1, 1, 1, classes, n + k);

        Dataset sub = Subsample.stratified(data, k, 4);

        assertEquals(k, sub.size());
        int[] full = data.classCounts();
        int[] got = sub.classCounts();
        for (int c = 0; c < classes; c++) {
            double share = (double) k * full[c] / n;
            assertTrue(Math.abs(got[c] - share) < 1, "class " + c + ": " + got[c] + " vs share " + share);
        }
        assertArrayEquals(sub.pixels(), Subsample.stratified(data, k, 4).pixels());
    }

    @Test
    void stratifiedChoiceDependsOnTheSeedAndKeepsOriginalOrder() {
        Dataset data = TestDatasets.indexed(500, 1, 1, 1, 10);

        int[] a = origins(Subsample.stratified(data, 50, 1));
        int[] b = origins(Subsample.stratified(data, 50, 2));

        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(Arrays.stream(a).sorted().toArray(), a);
        assertEquals(50, Arrays.stream(a).distinct().count());
    }

    @Test
    void sizesOutsideTheDataAreRejected() {
        Dataset data = TestDatasets.indexed(5, 1, 1, 1, 2);

        assertThrows(IllegalArgumentException.class, () -> Subsample.first(data, 0));
        assertThrows(IllegalArgumentException.class, () -> Subsample.first(data, 6));
        assertThrows(IllegalArgumentException.class, () -> Subsample.stratified(data, 6, 1));
    }
}
