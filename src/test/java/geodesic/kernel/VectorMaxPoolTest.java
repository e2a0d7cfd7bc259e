package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorMaxPoolTest {
    private static final float[] VALUES =
            {-1f, -0f, 0f, 1f, 2f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.NEGATIVE_INFINITY};

    /**
     * Whole planes of every width from 2 to 41 through the kernel, vector rows and element loop together, on values
     * from a small set (ties are common) with NaNs of both signs and zeros of both signs, against the documented
     * semantics written out: the first maximum in row-major tap order wins, a NaN beats every number and the first
     * NaN wins. Three planes per batch, so a vector spilling past its plane would show in the next one.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void twoByTwoPoolingMatchesTheWindowSemanticsBitForBit(int seed) {
        Random r = new Random(seed);
        int vectorRows = 0;
        for (int width = 2; width <= 41; width++) {
            int height = 2 + r.nextInt(9);
            Pool2dGeometry g = new Pool2dGeometry(3, height, width, 2, 2);
            float[] x = new float[g.inputSize() + r.nextInt(3)];
            for (int i = 0; i < x.length; i++) {
                x[i] = VALUES[r.nextInt(VALUES.length)];
            }
            float[] y = new float[g.outputSize() + 2];
            int[] argmax = new int[g.outputSize() + 2];
            Arrays.fill(y, 42f);
            Arrays.fill(argmax, -7);
            new MaxPool2dKernel(g, Parallelism.sequential(), KernelProvider.get()).forward(1, x, y, argmax);
            int plane = g.height() * g.width(), outW = g.outWidth();
            for (int o = 0; o < g.outputSize(); o++) {
                int c = o / (g.outHeight() * outW), rest = o % (g.outHeight() * outW);
                int corner = c * plane + 2 * (rest / outW) * width + 2 * (rest % outW);
                int expected = argmaxOf(x, corner, width);
                assertEquals(expected, argmax[o], "width " + width + " output " + o);
                assertEquals(Float.floatToRawIntBits(x[expected]), Float.floatToRawIntBits(y[o]),
                        "width " + width + " output " + o);
            }
            assertEquals(42f, y[g.outputSize()], "past the outputs");
            assertEquals(-7, argmax[g.outputSize() + 1], "past the outputs");
            float[] rowY = new float[outW];
            vectorRows += VectorMaxPool.poolRow(x, 0, width, outW, rowY, new int[outW], 0, outW) > 0 ? 1 : 0;
        }
        assertTrue(vectorRows > 0, "no row took the vector path");
    }

    private static int argmaxOf(float[] x, int corner, int width) {
        int[] taps = {corner, corner + 1, corner + width, corner + width + 1};
        int best = taps[0];
        for (int t = 1; t < 4; t++) {
            float v = x[taps[t]], b = x[best];
            if (v > b || (Float.isNaN(v) && !Float.isNaN(b))) {
                best = taps[t];
            }
        }
        return best;
    }
}
