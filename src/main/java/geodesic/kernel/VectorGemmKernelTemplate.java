package geodesic.kernel;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link GemmMicroKernel} code, specialized per species and A strip layout: {@link VectorGemmKernelFactory} defines
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
 * not depend on where its tile lies in C; {@link #storeEdge} rounds like the vector lanes of {@link #multiply}.
 */
final class VectorGemmKernelTemplate implements GemmMicroKernel {
    private static final String NOT_HIDDEN =
            "VectorGemmKernelTemplate is only a template: VectorGemmKernelFactory defines it as a hidden class per species";
    private static final VectorSpecies<Float> SPECIES = classData(0, VectorSpecies.class);
    private static final int LANES = SPECIES.length();
    private static final int NR = 2 * LANES;
    private static final int A_ROW_STRIDE = classData(1, Integer.class);
    private static final int A_STEP_STRIDE = classData(2, Integer.class);

    private VectorGemmKernelTemplate() {
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
    public void multiply(int kc, float[] ap, int aIndex, float[] bp, int bIndex,
                         float[] out, int outIndex, int ld, float alpha, float beta) {
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
        // Written out rather than through a helper: vectors passed to a method C2 does not inline get boxed.
        FloatVector alphas = FloatVector.broadcast(s, alpha);
        int r0 = outIndex;
        int r1 = r0 + ld;
        int r2 = r1 + ld;
        int r3 = r2 + ld;
        if (beta == 0f && alpha == 1f) {
            // The common case (every layer product but the accumulating ones); its multiplies by 1 are a tenth of
            // the instructions of a k = 10 tile.
            c00.intoArray(out, r0);
            c01.intoArray(out, r0 + LANES);
            c10.intoArray(out, r1);
            c11.intoArray(out, r1 + LANES);
            c20.intoArray(out, r2);
            c21.intoArray(out, r2 + LANES);
            c30.intoArray(out, r3);
            c31.intoArray(out, r3 + LANES);
        } else if (beta == 0f) {
            c00.mul(alphas).intoArray(out, r0);
            c01.mul(alphas).intoArray(out, r0 + LANES);
            c10.mul(alphas).intoArray(out, r1);
            c11.mul(alphas).intoArray(out, r1 + LANES);
            c20.mul(alphas).intoArray(out, r2);
            c21.mul(alphas).intoArray(out, r2 + LANES);
            c30.mul(alphas).intoArray(out, r3);
            c31.mul(alphas).intoArray(out, r3 + LANES);
        } else {
            c00.fma(alphas, FloatVector.fromArray(s, out, r0).mul(beta)).intoArray(out, r0);
            c01.fma(alphas, FloatVector.fromArray(s, out, r0 + LANES).mul(beta)).intoArray(out, r0 + LANES);
            c10.fma(alphas, FloatVector.fromArray(s, out, r1).mul(beta)).intoArray(out, r1);
            c11.fma(alphas, FloatVector.fromArray(s, out, r1 + LANES).mul(beta)).intoArray(out, r1 + LANES);
            c20.fma(alphas, FloatVector.fromArray(s, out, r2).mul(beta)).intoArray(out, r2);
            c21.fma(alphas, FloatVector.fromArray(s, out, r2 + LANES).mul(beta)).intoArray(out, r2 + LANES);
            c30.fma(alphas, FloatVector.fromArray(s, out, r3).mul(beta)).intoArray(out, r3);
            c31.fma(alphas, FloatVector.fromArray(s, out, r3 + LANES).mul(beta)).intoArray(out, r3 + LANES);
        }
    }

    @Override
    public void storeEdge(float[] tile, float[] c, int cIndex, int ldc, int rows, int cols, float alpha, float beta) {
        // The roundings of multiply's vector lanes, so an element's value does not depend on its tile being whole.
        for (int r = 0; r < rows; r++) {
            int t = r * NR;
            int ci = cIndex + r * ldc;
            for (int j = 0; j < cols; j++) {
                float acc = tile[t + j];
                c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
            }
        }
    }
}
