package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatMulTest {
    private static final int[] SIZES = {1, 7, 8, 9, 17, 31, 33, 65, 129, 257};
    /** Unit roundoff of float32. */
    private static final double U = 0x1p-24;
    /** Marks storage outside the logical matrices: reading it poisons a result, writing it is detected. */
    private static final float PAD = Float.NaN;
    private static final float C_PAD = 12345.5f;

    private static Parallelism two;

    @BeforeAll
    static void startTeam() {
        two = Parallelism.of(2);
    }

    @AfterAll
    static void stopTeam() {
        two.close();
    }

    /** Every implementation under test, built on the given team. */
    static List<Function<Parallelism, MatMul>> implementations() {
        List<Function<Parallelism, MatMul>> impls = new ArrayList<>();
        impls.add(p -> KernelProvider.get().matMul(p));
        impls.add(p -> new VectorMatMul(FloatVector.SPECIES_128, p));
        impls.add(p -> new VectorMatMul(FloatVector.SPECIES_256, p));
        impls.add(ScalarMatMul::new);
        return impls;
    }

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        boolean[] flags = {false, true};
        for (boolean ta : flags) {
            for (boolean tb : flags) {
                for (int s : SIZES) {
                    cases.add(Arguments.of(ta, tb, s, 9, 17));
                    cases.add(Arguments.of(ta, tb, 7, s, 33));
                    cases.add(Arguments.of(ta, tb, 31, 8, s));
                }
                // Several k slices, several A blocks, a ragged last B strip, and a second B block (n > 2048).
                cases.add(Arguments.of(ta, tb, 150, 20, 600));
                cases.add(Arguments.of(ta, tb, 65, 129, 257));
                cases.add(Arguments.of(ta, tb, 3, 2100, 5));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("shapes")
    void gemmMatchesFloat64ReferenceForAllTransposes(boolean ta, boolean tb, int m, int n, int k) {
        Problem pr = new Problem(ta, tb, m, n, k, 31L * m + 17L * n + k);
        float[][] alphaBeta = {{1f, 0f}, {0.5f, -2f}, {-1.25f, 1f}};
        for (Function<Parallelism, MatMul> impl : implementations()) {
            MatMul mm = impl.apply(Parallelism.sequential());
            MatMul par = impl.apply(two);
            for (float[] ab : alphaBeta) {
                float[] c = pr.run(mm, ab[0], ab[1], false);
                pr.check(c, ab[0], ab[1], mm.name());
                assertBitwiseEqual(c, pr.run(par, ab[0], ab[1], false), mm.name() + " 1 vs 2 threads");
            }
            float[] c = pr.run(par, 0.75f, 0f, true);
            pr.check(c, 0.75f, 0f, mm.name() + " with NaN-filled C and beta 0");
        }
    }

    static Stream<Arguments> largeShapes() {
        return Stream.of(
                Arguments.of(false, false, 257, 129, 65),
                Arguments.of(true, false, 129, 257, 33),
                Arguments.of(false, true, 33, 300, 257),
                Arguments.of(true, true, 300, 31, 129),
                Arguments.of(false, false, 1000, 9, 40),
                Arguments.of(false, true, 9, 1000, 40));
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("largeShapes")
    void gemmIsBitwiseIdenticalForOneTwoAndThreeThreads(boolean ta, boolean tb, int m, int n, int k) {
        Problem pr = new Problem(ta, tb, m, n, k, 7L * m + n + 3L * k);
        try (Parallelism three = Parallelism.of(3)) {
            for (Function<Parallelism, MatMul> impl : implementations()) {
                float[] one = pr.run(impl.apply(Parallelism.sequential()), 1.5f, -0.5f, false);
                pr.check(one, 1.5f, -0.5f, impl.apply(Parallelism.sequential()).name());
                float[] twoThreads = pr.run(impl.apply(two), 1.5f, -0.5f, false);
                float[] threeThreads = pr.run(impl.apply(three), 1.5f, -0.5f, false);
                String name = impl.apply(two).name();
                assertBitwiseEqual(one, twoThreads, name + " 1 vs 2 threads");
                assertBitwiseEqual(one, threeThreads, name + " 1 vs 3 threads");
            }
        }
    }

    /**
     * A one-strip product reads a row-major A in place with a kernel per row stride, up to a budget of strides;
     * past it, products pack A again. Both give the reference's values, and the same bits for the same inputs.
     */
    @Test
    void oneStripProductsStayCorrectPastTheInPlaceStrideBudget() {
        MatMul mm = new VectorMatMul(VectorFloatSpecies.SPECIES, Parallelism.sequential());
        Random rnd = new Random(43);
        int m = 9, n = 3, k = 20;
        float[] b = new float[k * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        float[] first = null;
        for (int lda = k; lda < k + 24; lda++) {
            float[] a = new float[m * lda];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    a[i * lda + p] = (float) Math.sin(i * 31 + p);
                }
            }
            float[] c = new float[m * n];
            mm.gemm(false, false, m, n, k, 1f, a, 0, lda, b, 0, n, 0f, c, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = 0;
                    double scale = 0;
                    for (int p = 0; p < k; p++) {
                        expected += (double) a[i * lda + p] * b[p * n + j];
                        scale += Math.abs((double) a[i * lda + p] * b[p * n + j]);
                    }
                    assertEquals(expected, c[i * n + j], 2 * (k + 2) * U * scale, "lda " + lda + " C(" + i + "," + j + ")");
                }
            }
            if (first == null) {
                first = c;
            } else {
                assertBitwiseEqual(first, c, "lda " + lda + " against lda " + k);
            }
        }
    }

    @Test
    void alphaZeroOrEmptyKOnlyScalesCAndReadsNeitherAnorB() {
        for (Function<Parallelism, MatMul> impl : implementations()) {
            MatMul mm = impl.apply(two);
            float[] nan = new float[64];
            Arrays.fill(nan, Float.NaN);
            float[] c = {1f, -2f, 3f, 4f, 5f, 6f};
            mm.gemm(false, false, 2, 3, 4, 0f, nan, 0, 4, nan, 0, 3, -0.5f, c, 0, 3);
            assertArrayEquals(new float[]{-0.5f, 1f, -1.5f, -2f, -2.5f, -3f}, c, mm.name() + " alpha 0");
            mm.gemm(true, true, 2, 3, 0, 1f, nan, 0, 2, nan, 0, 1, 2f, c, 0, 3);
            assertArrayEquals(new float[]{-1f, 2f, -3f, -4f, -5f, -6f}, c, mm.name() + " k 0");
            float[] cNan = {Float.NaN, Float.NaN, 7f};
            mm.gemm(false, false, 1, 2, 0, 1f, nan, 0, 1, nan, 0, 2, 0f, cNan, 0, 2);
            assertArrayEquals(new float[]{0f, 0f, 7f}, cNan, mm.name() + " k 0, beta 0");
        }
    }

    @Test
    void emptyOutputLeavesEverythingUntouched() {
        for (Function<Parallelism, MatMul> impl : implementations()) {
            MatMul mm = impl.apply(Parallelism.sequential());
            float[] c = {Float.NaN, 3f};
            mm.gemm(false, false, 0, 2, 5, 1f, new float[0], 0, 5, new float[10], 0, 2, 0f, c, 0, 2);
            mm.gemm(false, false, 2, 0, 5, 1f, new float[10], 0, 5, new float[0], 0, 1, 0f, c, 0, 1);
            assertTrue(Float.isNaN(c[0]) && c[1] == 3f, mm.name() + " wrote to an empty output");
        }
    }

    @Test
    void vectorNameReportsTileShape() {
        VectorSpecies<Float> s = FloatVector.SPECIES_256;
        assertEquals("vector-256 " + GemmMicroKernel.MR + "x16", new VectorMatMul(s, Parallelism.sequential()).name());
    }

    private static void assertArrayEquals(float[] expected, float[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            fail(what + ": expected " + Arrays.toString(expected) + " but got " + Arrays.toString(actual));
        }
    }

    static void assertBitwiseEqual(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": differs at flat index " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /**
     * Random operands stored with leading dimensions and offsets larger than needed, the unused slots poisoned,
     * and a float64 reference of {@code op(A) op(B)} with the matching sums of absolute products.
     */
    static final class Problem {
        final boolean ta;
        final boolean tb;
        final int m;
        final int n;
        final int k;
        final float[] a;
        final float[] b;
        final float[] c0;
        final int aOff = 3;
        final int bOff = 5;
        final int cOff = 2;
        final int lda;
        final int ldb;
        final int ldc;
        final double[] product;
        final double[] absProduct;

        Problem(boolean ta, boolean tb, int m, int n, int k, long seed) {
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            Random rnd = new Random(seed);
            int aRows = ta ? k : m;
            int aCols = ta ? m : k;
            int bRows = tb ? n : k;
            int bCols = tb ? k : n;
            lda = aCols + 2;
            ldb = bCols + 3;
            ldc = n + 1;
            a = poisoned(aOff + aRows * lda, PAD);
            b = poisoned(bOff + bRows * ldb, PAD);
            c0 = poisoned(cOff + m * ldc, C_PAD);
            fill(a, aOff, aRows, aCols, lda, rnd);
            fill(b, bOff, bRows, bCols, ldb, rnd);
            fill(c0, cOff, m, n, ldc, rnd);
            product = new double[m * n];
            absProduct = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = (double) opA(i, p) * opB(p, j);
                        s += x;
                        abs += Math.abs(x);
                    }
                    product[i * n + j] = s;
                    absProduct[i * n + j] = abs;
                }
            }
        }

        float opA(int i, int p) {
            return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        float[] run(MatMul mm, float alpha, float beta, boolean nanC) {
            float[] c = c0.clone();
            if (nanC) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
                }
            }
            mm.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** Checks C against the reference within {@code 2 (k + 2) u} of its scale, and that padding is intact. */
        void check(float[] c, float alpha, float beta, String who) {
            double tol = 2.0 * (k + 2) * U;
            double maxRel = 0;
            int worst = -1;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    double old = beta == 0f ? 0 : c0[ci];
                    double expected = alpha * product[i * n + j] + beta * old;
                    double scale = Math.abs(alpha) * absProduct[i * n + j] + Math.abs(beta * old) + Double.MIN_NORMAL;
                    double rel = Math.abs(c[ci] - expected) / scale;
                    if (!(rel <= maxRel)) {
                        maxRel = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
                        worst = i * n + j;
                    }
                }
            }
            String where = who + " transA=" + ta + " transB=" + tb + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta;
            assertTrue(maxRel <= tol, where + ": max relative error " + maxRel + " > " + tol + " at (" + worst / n
                    + ", " + worst % n + ")");
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(where + ": wrote outside C at flat index " + idx);
                }
            }
        }

        private static float[] poisoned(int length, float value) {
            float[] x = new float[length];
            Arrays.fill(x, value);
            return x;
        }

        private static void fill(float[] x, int off, int rows, int cols, int ld, Random rnd) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    x[off + i * ld + j] = rnd.nextFloat() * 2f - 1f;
                }
            }
        }
    }
}
