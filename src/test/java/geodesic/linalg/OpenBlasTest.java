package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenBLAS's sgemm and ssyrk against float64 references, and the facade's argument and info checks. */
class OpenBlasTest {
    private static final int[] SIZES = {1, 7, 8, 9, 31, 33, 129};

    @BeforeEach
    void requireOpenBlas() {
        assumeTrue(OpenBlas.isAvailable(), () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason());
    }

    static Stream<Arguments> gemmCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {7, 9, 8}, {33, 31, 129}, {129, 8, 33}, {9, 257, 7}, {64, 64, 257}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    cases.add(Arguments.of(s[0], s[1], s[2], ta, tb));
                }
            }
        }
        return cases.stream();
    }

    private static float[] random(int length, long seed) {
        Random r = new Random(seed);
        float[] a = new float[length];
        for (int i = 0; i < a.length; i++) {
            a[i] = 2 * r.nextFloat() - 1;
        }
        return a;
    }

    /** Float32 accumulation error bound: a few ulps per term of a length-k sum of products of magnitude <= 1. */
    private static double tolerance(int k) {
        return 4 * Math.ulp(1f) * (k + 4);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("gemmCases")
    void sgemmMatchesFloat64ReferenceForAllTransposes(int m, int n, int k, boolean transA, boolean transB) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 2;
        int aOff = 5;
        int bOff = 2;
        int cOff = 7;
        float[] a = random(aOff + (transA ? k : m) * lda, 1);
        float[] b = random(bOff + (transB ? n : k) * ldb, 2);
        float[] c = random(cOff + m * ldc, 3);
        float[] c0 = c.clone();
        float alpha = 0.75f;
        float beta = -0.5f;
        OpenBlas.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                double expected = alpha * sum + beta * (double) c0[ci];
                worst = Math.max(worst, Math.abs(c[ci] - expected) / (1 + Math.abs(expected)));
            }
        }
        assertTrue(worst <= tolerance(k), "max relative error " + worst + " > " + tolerance(k));
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertEquals(c0[cOff + i * ldc + j], c[cOff + i * ldc + j], "padding of C was written");
            }
        }
    }

    @Test
    void sgemmWithZeroBetaIgnoresNaNInC() {
        float[] a = random(8 * 9, 4);
        float[] b = random(9 * 7, 5);
        float[] c = new float[8 * 7];
        java.util.Arrays.fill(c, Float.NaN);
        OpenBlas.sgemm(false, false, 8, 7, 9, 1f, a, 0, 9, b, 0, 7, 0f, c, 0, 7);
        for (float v : c) {
            assertTrue(Float.isFinite(v), "NaN leaked through beta = 0");
        }
    }

    static Stream<Arguments> syrkCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int n : SIZES) {
            for (int rows : new int[] {1, 8, 33, 257}) {
                cases.add(Arguments.of(n, rows));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} rows={1}")
    @MethodSource("syrkCases")
    void ssyrkMatchesFloat64ReferenceInTheLowerTriangleOnly(int n, int rows) {
        int ldx = n + 1;
        int ldc = n + 3;
        int xOff = 3;
        int cOff = 1;
        float[] x = random(xOff + rows * ldx, 6);
        float[] c = random(cOff + n * ldc, 7);
        float[] c0 = c.clone();
        float alpha = 0.25f;
        float beta = 0.9f;
        OpenBlas.ssyrk(n, rows, alpha, x, xOff, ldx, beta, c, cOff, ldc);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                if (j > i) {
                    assertEquals(c0[ci], c[ci], "upper triangle (" + i + ", " + j + ") was written");
                    continue;
                }
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    sum += (double) x[xOff + r * ldx + i] * x[xOff + r * ldx + j];
                }
                double expected = alpha * sum + beta * (double) c0[ci];
                worst = Math.max(worst, Math.abs(c[ci] - expected) / (1 + Math.abs(expected)));
            }
        }
        assertTrue(worst <= tolerance(rows), "max relative error " + worst + " > " + tolerance(rows));
    }

    @Test
    void shapesThatDoNotFitTheArraysAreRejectedBeforeTheNativeCall() {
        float[] a = new float[6 * 4];
        float[] b = new float[4 * 5];
        float[] c = new float[6 * 5];
        IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, 7, 5, 4, 1f, a, 0, 4, b, 0, 5, 0f, c, 0, 5));
        assertTrue(shortA.getMessage().startsWith("A:"), shortA.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, 6, 5, 4, 1f, a, 0, 3, b, 0, 5, 0f, c, 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, 6, 5, 4, 1f, a, 1, 4, b, 0, 5, 0f, c, 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, -1, 5, 4, 1f, a, 0, 4, b, 0, 5, 0f, c, 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.ssyrk(5, 4, 1f, b, 0, 5, 0f, new float[24], 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.ssyrk(5, 4, 1f, b, 0, 4, 0f, c, 0, 5));
    }

    @Test
    void emptyProductsLeaveCUntouched() {
        float[] c = {1, 2, 3};
        OpenBlas.sgemm(false, false, 0, 3, 4, 1f, new float[0], 0, 4, new float[12], 0, 3, 0f, c, 0, 3);
        assertEquals(1f, c[0]);
    }

    @Test
    void reportsItsBuildAndRunsSingleThreaded() {
        assertTrue(OpenBlas.config().contains("OpenBLAS"), OpenBlas.config());
        assertFalse(OpenBlas.coreName().isBlank());
        assertEquals(1, OpenBlas.threads());
        assertTrue(OpenBlas.unavailableReason().isEmpty());
    }

    @Test
    void lapackInfoCodesMapToIllegalArgumentAndArithmeticExceptions() {
        OpenBlas.checkInfo("LAPACKE_dsyevd_work", 0, 5);
        IllegalArgumentException illegal = assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.checkInfo("LAPACKE_dsyevd_work", -4, 5));
        assertTrue(illegal.getMessage().contains("argument 4") && illegal.getMessage().contains("5x5"),
                illegal.getMessage());
        ArithmeticException diverged = assertThrows(ArithmeticException.class,
                () -> OpenBlas.checkInfo("LAPACKE_dsyevd_work", 3, 5));
        assertTrue(diverged.getMessage().contains("converge") && diverged.getMessage().contains("5x5"),
                diverged.getMessage());
    }
}
