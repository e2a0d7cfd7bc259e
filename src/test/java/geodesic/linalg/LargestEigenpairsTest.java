package geodesic.linalg;

import static geodesic.linalg.TestMatrices.solver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Partial decompositions ({@code k} largest eigenpairs) of every solver against full float64 decompositions. */
class LargestEigenpairsTest {
    private static final double TOLERANCE = 1e-11;

    static Stream<Arguments> solversSizesAndRanks() {
        List<Arguments> cases = new ArrayList<>();
        for (String s : List.of("java", "dsyevd", "dsyevr", "active")) {
            for (int[] nk : new int[][] {{1, 1}, {7, 3}, {33, 1}, {33, 33}, {257, 31}}) {
                cases.add(Arguments.of(s, nk[0], nk[1]));
            }
        }
        return cases.stream();
    }

    /** A PSD matrix with distinct eigenvalues, so that each eigenvector is unique up to sign. */
    private static double[] distinctSpectrum(int n, long seed) {
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = 0.5 + j * (1 + 0.1 * Math.sin(j));
        }
        return TestMatrices.withSpectrum(values, seed);
    }

    @ParameterizedTest(name = "{0} n={1} k={2}")
    @MethodSource("solversSizesAndRanks")
    void largestEigenpairsMatchTheFullDecompositionsLast(String name, int n, int k) {
        double[] a = distinctSpectrum(n, 5L * n + k);
        double[] copy = a.clone();
        LargestEigenpairs top = solver(name).decomposeLargest(a, n, k);
        SymmetricEigen full = SymmetricEigensolver.pureJava().decompose(a, n);
        assertEquals(n, top.n());
        assertEquals(k, top.k());
        double scale = Math.abs(full.value(n - 1));
        double trace = 0;
        for (int j = 0; j < n; j++) {
            trace += full.value(j);
        }
        assertEquals(trace, top.trace(), TOLERANCE * n * scale, "trace");
        double remaining = 0;
        for (int j = 0; j < n - k; j++) {
            remaining += full.value(j);
        }
        assertEquals(k == n ? 0 : remaining / (n - k), top.remainingMean(), TOLERANCE * n * scale, "remaining mean");
        for (int i = 0; i < k; i++) {
            int j = n - k + i;
            assertEquals(full.value(j), top.value(i), TOLERANCE * scale, name + " eigenvalue " + i);
            double dot = 0;
            for (int x = 0; x < n; x++) {
                dot += full.vectorComponent(j, x) * top.vectorComponent(i, x);
            }
            assertTrue(Math.abs(Math.abs(dot) - 1) < 1e-9, name + " eigenvector " + i + " has |cos| " + dot);
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(copy[i], a[i], "input must not be modified");
        }
    }

    @Test
    void float32InputIsWidenedAndSymmetrized() {
        int n = 40;
        float[] f = TestMatrices.toFloat(distinctSpectrum(n, 3));
        double[] widened = new double[f.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                widened[i * n + j] = ((double) f[i * n + j] + f[j * n + i]) / 2;
            }
        }
        LargestEigenpairs fromFloat = SymmetricEigensolver.active().decomposeLargest(f, n, 5);
        LargestEigenpairs fromDouble = SymmetricEigensolver.active().decomposeLargest(widened, n, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(fromDouble.value(i), fromFloat.value(i), 1e-12 * n * fromDouble.value(4));
        }
    }

    @Test
    void rankOutsideOneToNIsRejectedNamingIt() {
        double[] a = distinctSpectrum(6, 1);
        for (int k : new int[] {0, 7, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SymmetricEigensolver.active().decomposeLargest(a, 6, k));
            assertTrue(e.getMessage().contains(k + " largest") && e.getMessage().contains("6x6"), e.getMessage());
        }
    }

    @Test
    void nonFiniteInputIsRejectedBeforeAnySolverRuns() {
        double[] a = distinctSpectrum(5, 2);
        a[1 * 5 + 2] = Double.NaN;
        a[2 * 5 + 1] = Double.NaN;
        assertThrows(ArithmeticException.class, () -> SymmetricEigensolver.active().decomposeLargest(a, 5, 2));
    }

    @Test
    void eigenPoolDecomposesASnapshotTakenAtSubmission() throws Exception {
        int n = 30;
        float[] f = TestMatrices.toFloat(distinctSpectrum(n, 9));
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.active(), 1)) {
            var future = pool.submitSnapshot(f, n,
                    snapshot -> pool.solver().decomposeLargest(snapshot, n, 4).remainingMean());
            java.util.Arrays.fill(f, Float.NaN);
            double mean = future.get();
            assertTrue(Double.isFinite(mean) && mean > 0, "remaining mean " + mean);
        }
    }
}
