package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxPool2dKernel}'s forward pass for 2 x 2 windows at stride 2, the common case, {@code LANES} windows at a
 * time: two input rows are loaded as pairs of vectors and split into their even and odd columns (the four taps of
 * each window), and the maximum and its flat index are chosen with compare-and-blend, the index in int lanes under the same
 * masks. Same results as the element loop bit
 * for bit: a tap replaces the best so far when it is larger, or when it is NaN and the best is not, in row-major tap
 * order.
 *
 * <p>Only whole vectors are stored, no lane masks (masked stores and {@code test(IS_NAN)} were not intrinsified
 * here, and boxed the vectors). A row shorter than a vector writes its last lanes into the following outputs of the
 * same plane, which the caller computes afterwards in increasing order and so overwrites; a vector that would pass
 * the plane's end, or read past {@code x}, is left to the caller's element loop.
 */
final class VectorMaxPool {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(SPECIES, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(SPECIES, i -> 2 * i + 1);
    /** Argmax indices, one int lane per float lane, so the masks of the comparisons carry over. */
    private static final VectorSpecies<Integer> INDEX = SPECIES.withLanes(int.class);
    /** {@code 2 * lane}: each window's top-left tap relative to the first window's. */
    private static final IntVector CORNERS = IntVector.zero(INDEX).addIndex(2);

    private VectorMaxPool() {
    }

    /**
     * Pools windows {@code ow = 0, 1, ...} of one output row: corners at {@code x[row + 2 * ow]}, input rows
     * {@code width} apart, outputs to {@code y[o + ow]} and {@code argmax[o + ow]} (flat indices into {@code x}).
     * Outputs up to {@code outEnd} (exclusive, the plane's end) may be overwritten past the row.
     *
     * @return the first column not pooled; the caller pools columns from there to {@code outW} itself
     */
    static int poolRow(float[] x, int row, int width, int outW, float[] y, int[] argmax, int o, int outEnd) {
        int ow = 0;
        for (; ow < outW && o + ow + LANES <= outEnd && row + width + 2 * (ow + LANES) <= x.length; ow += LANES) {
            int c = row + 2 * ow;
            FloatVector top0 = FloatVector.fromArray(SPECIES, x, c);
            FloatVector top1 = FloatVector.fromArray(SPECIES, x, c + LANES);
            FloatVector bottom0 = FloatVector.fromArray(SPECIES, x, c + width);
            FloatVector bottom1 = FloatVector.fromArray(SPECIES, x, c + width + LANES);
            FloatVector best = top0.rearrange(EVEN, top1);
            IntVector index = IntVector.broadcast(INDEX, c).add(CORNERS);
            FloatVector next = top0.rearrange(ODD, top1);
            VectorMask<Float> take = replaces(next, best);
            best = best.blend(next, take);
            IntVector offset = IntVector.zero(INDEX).blend(1, take.cast(INDEX));
            next = bottom0.rearrange(EVEN, bottom1);
            take = replaces(next, best);
            best = best.blend(next, take);
            offset = offset.blend(width, take.cast(INDEX));
            next = bottom0.rearrange(ODD, bottom1);
            take = replaces(next, best);
            best = best.blend(next, take);
            offset = offset.blend(width + 1, take.cast(INDEX));
            best.intoArray(y, o + ow);
            index.add(offset).intoArray(argmax, o + ow);
        }
        return Math.min(ow, outW);
    }

    /** Whether {@code next} replaces {@code best}: larger, or NaN over a number ({@code v != v} is the NaN test). */
    private static VectorMask<Float> replaces(FloatVector next, FloatVector best) {
        return next.compare(VectorOperators.GT, best)
                .or(next.compare(VectorOperators.NE, next).andNot(best.compare(VectorOperators.NE, best)));
    }
}
