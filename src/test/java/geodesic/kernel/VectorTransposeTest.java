package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorTransposeTest {

    /** Rows past the last whole vector of rows are left for the caller, and nothing else is written. */
    @ParameterizedTest
    @CsvSource({"1, 1", "7, 33", "16, 196", "33, 7", "64, 196", "32, 784", "257, 3", "48, 1", "48, 40", "17, 16"})
    void transposesWholeVectorsOfRowsAndReportsWhereItStopped(int rows, int cols) {
        int lanes = VectorFloatSpecies.SPECIES.length();
        float[] src = Conv2dKernelTest.gaussian(new Random(rows * 31L + cols), 5 + rows * cols);
        float[] dst = new float[rows * cols];
        Arrays.fill(dst, Float.NaN);
        int done = VectorTranspose.transpose(src, 5, rows, cols, dst, VectorTranspose.laneOffsets(cols));
        assertEquals(rows - rows % lanes, done);
        float[] expected = new float[dst.length];
        Arrays.fill(expected, Float.NaN);
        for (int i = 0; i < done; i++) {
            for (int j = 0; j < cols; j++) {
                expected[j * rows + i] = src[5 + i * cols + j];
            }
        }
        assertArrayEquals(expected, dst);
    }
}
