package geodesic.kernel;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link GemmMicroKernel} code, specialized per species and A strip layout: {@link GemmKernelFactory} defines
 * one hidden class from these bytes for each pair, passing species and A strides as class data, so that they are
 * {@code static final} constants in every copy. C2 intrinsifies Vector API calls only on a constant species; with
 * the species in an instance field every vector was boxed (measured 3 instead of 200 GFLOP/s at 512 bits). With
 * variable A strides the FMA loop kept four indices, four bounds checks and spilled registers. This class is never
 * loaded as an ordinary class.
 *
 * <p>The tile is {@code 4 x 2} vectors: eight accumulators, two B vectors and the broadcast A elements. The
 * classic AVX2 {@code 6 x 16} tile needs 15 of the 16 ymm registers, and C2, which hoists several broadcasts,
 * spilled an accumulator to the stack every step (measured with {@code -XX:UseAVX=2}: 6 x 16 about 55, 4 x 16
 * about 105 GFLOP/s; at 512 bits 4 x 32 matches 6 x 32). Eight independent FMA chains cover the 4-cycle FMA latency
 * of two FMA pipes. Each accumulator lane sums its products in order of {@code p}, so an element's value does
 * not depend on where its tile lies in C; {@link #store} rounds the same way in its vector and scalar paths.
 */
final class GemmKernelTemplate implements GemmMicroKernel {
    private static final String NOT_HIDDEN =
            "GemmKernelTemplate is only a template: GemmKernelFactory defines it as a hidden class per species";
    private static final VectorSpecies<Float> SPECIES = classData(0, VectorSpecies.class);
    private static final int LANES = SPECIES.length();
    private static final int NR = 2 * LANES;
    private static final int A_ROW_STRIDE = classData(1, Integer.class);
    private static final int A_STEP_STRIDE = classData(2, Integer.class);

    private GemmKernelTemplate() {
    }

    @SuppressWarnings("unchecked")
    private static <T> T classData(int index, Class<?> type) {
        try {
            T value = (T) MethodHandles.classDataAt(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, type, index);
            if (value == null) {
                throw new IllegalStateException(NOT_HIDDEN);
            }
            return value;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(NOT_HIDDEN, e);
        }
    }

    @Override
    public int nr() {
        return NR;
    }

    /** Written out for {@code MR = 4}: one accumulator pair and one broadcast per row. */
    @Override
    public void accumulate(int kc, float[] ap, int aIndex, float[] bp, int bIndex, float[] tile) {
        VectorSpecies<Float> s = SPECIES;
        FloatVector zero = FloatVector.zero(s);
        FloatVector c00 = zero;
        FloatVector c01 = zero;
        FloatVector c10 = zero;
        FloatVector c11 = zero;
        FloatVector c20 = zero;
        FloatVector c21 = zero;
        FloatVector c30 = zero;
        FloatVector c31 = zero;
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(s, bp, bi);
            FloatVector b1 = FloatVector.fromArray(s, bp, bi + LANES);
            FloatVector a0 = FloatVector.broadcast(s, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(s, ap[ai + A_ROW_STRIDE]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(s, ap[ai + 2 * A_ROW_STRIDE]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(s, ap[ai + 3 * A_ROW_STRIDE]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            ai += A_STEP_STRIDE;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
    }

    @Override
    public void store(float[] tile, float[] c, int cIndex, int ldc, int rows, int cols, float alpha, float beta) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        for (int r = 0; r < rows; r++) {
            int t = r * NR;
            int ci = cIndex + r * ldc;
            if (cols == NR) {
                for (int v = 0; v < NR; v += LANES) {
                    FloatVector acc = FloatVector.fromArray(SPECIES, tile, t + v);
                    FloatVector out = beta == 0f
                            ? acc.mul(alphas)
                            : acc.fma(alphas, FloatVector.fromArray(SPECIES, c, ci + v).mul(beta));
                    out.intoArray(c, ci + v);
                }
            } else {
                // The vector lanes' roundings, so an element's value does not depend on its tile's width.
                for (int j = 0; j < cols; j++) {
                    float acc = tile[t + j];
                    c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
                }
            }
        }
    }
}
