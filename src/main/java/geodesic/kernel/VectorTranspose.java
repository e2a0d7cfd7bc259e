package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution forward pass's last step on vectors: an image's output computed position by position,
 * {@code [positions x channels]}, written channel by channel into NCHW with the bias added. Each vector of
 * consecutive positions of one channel is one gather (lanes {@code channels} floats apart); same results as the
 * element loop bit for bit (one addition per element).
 */
final class VectorTranspose {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();

    private VectorTranspose() {
    }

    /**
     * Gather offsets for {@link #transposeAddingBias} with {@code channels} channels: {@code j * channels} for each
     * lane {@code j}. Built once per kernel.
     */
    static int[] laneOffsets(int channels) {
        int[] offsets = new int[LANES];
        for (int j = 0; j < LANES; j++) {
            offsets[j] = j * channels;
        }
        return offsets;
    }

    /**
     * {@code y[yOffset + o * positions + pos] = byPosition[pos * channels + o] + bias[o]} ({@code bias} may be
     * null) for the positions below the last multiple of the vector length, in blocks of one vector of positions, so
     * the rows a block reads stay in L1 while every channel is written. {@code offsets} is
     * {@link #laneOffsets}{@code (channels)}.
     *
     * @return the first position not written; the caller writes the rest
     */
    static int transposeAddingBias(float[] byPosition, int positions, int channels, float[] bias, float[] y,
                                   int yOffset, int[] offsets) {
        int pos0 = 0;
        for (; pos0 + LANES <= positions; pos0 += LANES) {
            for (int o = 0; o < channels; o++) {
                FloatVector v = FloatVector.fromArray(SPECIES, byPosition, pos0 * channels + o, offsets, 0);
                if (bias != null) {
                    v = v.add(bias[o]);
                }
                v.intoArray(y, yOffset + o * positions + pos0);
            }
        }
        return pos0;
    }
}
