package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Warm-started subspace iteration against exact float64 partial decompositions. */
class SubspaceIterationTest {
    private static final MatMul MAT_MUL = KernelProvider.get().matMul(Parallelism.sequential());
    private static final SymmetricEigensolver SOLVER = SymmetricEigensolver.active();

    /** A PSD matrix whose eigenvalues decay geometrically from 1 by {@code ratio} per index, like a Kronecker factor. */
    private static double[] decaying(int n, double ratio, long seed) {
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = Math.pow(ratio, n - 1 - j);
        }
        return TestMatrices.withSpectrum(values, seed);
    }

    /** The exact top-k eigenvectors of {@code a}, rotated a little: a warm start as a slightly older factor gives. */
    private static float[] perturbedStart(double[] a, int n, int k, double noise, long seed) {
        LargestEigenpairs exact = SOLVER.decomposeLargest(a, n, k);
        SplittableRandom r = new SplittableRandom(seed);
        float[] start = new float[k * n];
        for (int i = 0; i < k; i++) {
            for (int x = 0; x < n; x++) {
                start[i * n + x] = (float) (exact.vectorComponent(i, x) + noise * r.nextGaussian() / Math.sqrt(n));
            }
        }
        return start;
    }

    @ParameterizedTest(name = "n={0} k={1}")
    @CsvSource({"33, 8", "129, 31", "300, 64"})
    void warmStartedRitzValuesAndVectorsMatchTheExactLargestEigenpairs(int n, int k) {
        double[] a = decaying(n, 0.97, n);
        float[] f = TestMatrices.toFloat(a);
        LargestEigenpairs exact = SOLVER.decomposeLargest(a, n, k);
        LargestEigenpairs got = SubspaceIteration.largest(f, n, perturbedStart(a, n, k, 0.1, 1), k, k, 2, 7,
                MAT_MUL, SOLVER);
        assertEquals(n, got.n());
        assertEquals(k, got.k());
        assertEquals(exact.trace(), got.trace(), 1e-5 * exact.trace());
        for (int i = 0; i < k; i++) {
            double scale = exact.value(k - 1);
            assertEquals(exact.value(i), got.value(i), 2e-3 * scale, "Ritz value " + i);
        }
        for (int i = k / 2; i < k; i++) {
            double dot = 0;
            for (int x = 0; x < n; x++) {
                dot += exact.vectorComponent(i, x) * got.vectorComponent(i, x);
            }
            assertTrue(Math.abs(Math.abs(dot) - 1) < 1e-3, "eigenvector " + i + " of the upper half: |cos| " + dot);
        }
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                double dot = 0;
                for (int x = 0; x < n; x++) {
                    dot += got.vectorComponent(i, x) * got.vectorComponent(j, x);
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-4, "orthonormality of " + i + ", " + j);
            }
        }
    }

    @Test
    void aRandomStartStillFindsWellSeparatedTopEigenvalues() {
        int n = 60;
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = j < n - 3 ? 0.01 : 10 * (j - n + 4);
        }
        double[] a = TestMatrices.withSpectrum(values, 3);
        LargestEigenpairs got = SubspaceIteration.largest(TestMatrices.toFloat(a), n, new float[0], 0, 3, 2, 5,
                MAT_MUL, SOLVER);
        for (int i = 0; i < 3; i++) {
            assertEquals(10 * (i + 1), got.value(i), 1e-4 * 30, "value " + i);
        }
    }

    @Test
    void nonFiniteMatrixThrowsSoThatCallersFallBack() {
        int n = 20;
        float[] f = TestMatrices.toFloat(decaying(n, 0.9, 2));
        f[3 * n + 3] = Float.NaN;
        assertThrows(ArithmeticException.class, () -> SubspaceIteration.largest(f, n, new float[0], 0, 4, 1, 1,
                MAT_MUL, SOLVER));
    }

    @Test
    void badSizesAreRejectedNamingThem() {
        float[] f = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SubspaceIteration.largest(f, 4, new float[3], 2, 2, 1, 1, MAT_MUL, SOLVER));
        assertTrue(e.getMessage().contains("2 rows of 4"), e.getMessage());
    }
}
