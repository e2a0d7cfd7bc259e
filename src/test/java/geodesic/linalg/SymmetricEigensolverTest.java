package geodesic.linalg;

import static geodesic.linalg.TestMatrices.maxAbsDifference;
import static geodesic.linalg.TestMatrices.maxRelativeResidual;
import static geodesic.linalg.TestMatrices.orthogonalityError;
import static geodesic.linalg.TestMatrices.solver;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every solver (pure Java, dsyevd, dsyevr, the active chain) against the same float64 properties. */
class SymmetricEigensolverTest {
    private static final double TOLERANCE = 1e-12;
    private static final List<String> SOLVERS = List.of("java", "dsyevd", "dsyevr", "active");
    private static final int[] SIZES = {1, 2, 17, 64, 300};

    static Stream<Arguments> solversAndSizes() {
        List<Arguments> cases = new ArrayList<>();
        for (String s : SOLVERS) {
            for (int n : SIZES) {
                cases.add(Arguments.of(s, n));
            }
        }
        return cases.stream();
    }

    private static void assertAccurate(double[] a, SymmetricEigen e, String what) {
        double residual = maxRelativeResidual(a, e);
        double orthogonality = orthogonalityError(e);
        assertTrue(residual <= TOLERANCE, what + ": max ||Av - lambda v|| / ||A|| = " + residual);
        assertTrue(orthogonality <= TOLERANCE, what + ": ||V^T V - I||_F = " + orthogonality);
        for (int j = 1; j < e.n(); j++) {
            assertTrue(e.value(j - 1) <= e.value(j), what + ": eigenvalues not ascending at " + j);
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("solversAndSizes")
    void decomposesRandomSymmetricMatricesToWithin1e12(String name, int n) {
        double[] a = TestMatrices.randomSymmetric(n, 11L * n + 1);
        double[] copy = a.clone();
        SymmetricEigen e = solver(name).decompose(a, n);
        assertArrayEquals(copy, a, "input must not be modified");
        assertAccurate(a, e, name + " random symmetric n=" + n);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("solversAndSizes")
    void decomposesRandomPsdMatricesWithNonNegativeSpectrum(String name, int n) {
        double[] a = TestMatrices.randomGram(n, 2 * n + 3, 7L * n + 5);
        SymmetricEigen e = solver(name).decompose(a, n);
        assertAccurate(a, e, name + " random PSD n=" + n);
        double scale = Math.abs(e.value(n - 1));
        assertTrue(e.value(0) >= -TOLERANCE * scale, "PSD matrix got eigenvalue " + e.value(0));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("solversAndSizes")
    void float32InputMatchesItsFloat64Widening(String name, int n) {
        float[] f = TestMatrices.toFloat(TestMatrices.randomSymmetric(n, 3L * n));
        double[] widened = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            widened[i] = f[i];
        }
        SymmetricEigen e = solver(name).decompose(f, n);
        assertAccurate(widened, e, name + " float32 input n=" + n);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void identityHasUnitEigenvaluesAndOrthonormalVectors(String name) {
        int n = 33;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        SymmetricEigen e = solver(name).decompose(a, n);
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        assertTrue(maxAbsDifference(ones, e.values()) <= TOLERANCE, "identity eigenvalues " + e);
        assertAccurate(a, e, name + " identity");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void diagonalMatrixYieldsSortedDiagonalAndUnitVectors(String name) {
        double[] diagonal = {3, -1, 7, 0, 2.5, -4, 1e-3};
        int n = diagonal.length;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = diagonal[i];
        }
        SymmetricEigen e = solver(name).decompose(a, n);
        double[] sorted = diagonal.clone();
        java.util.Arrays.sort(sorted);
        assertTrue(maxAbsDifference(sorted, e.values()) <= TOLERANCE * 7, "values " + java.util.Arrays.toString(
                e.values()));
        for (int j = 0; j < n; j++) {
            int source = indexOf(diagonal, e.value(j));
            assertEquals(1, Math.abs(e.vectorComponent(j, source)), TOLERANCE,
                    "eigenvector " + j + " should be +-e_" + source);
        }
        assertAccurate(a, e, name + " diagonal");
    }

    private static int indexOf(double[] values, double v) {
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i] - v) <= 1e-12 * 7) {
                return i;
            }
        }
        throw new AssertionError("eigenvalue " + v + " is not on the diagonal");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void repeatedEigenvaluesGiveAnOrthonormalBasisOfEachEigenspace(String name) {
        int n = 64;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = i < 20 ? 2.0 : i < 50 ? -1.0 : 5.0 + i;
        }
        double[] a = TestMatrices.withSpectrum(spectrum, 99);
        SymmetricEigen e = solver(name).decompose(a, n);
        double[] sorted = spectrum.clone();
        java.util.Arrays.sort(sorted);
        assertTrue(maxAbsDifference(sorted, e.values()) <= 1e-12 * 120, "values differ by "
                + maxAbsDifference(sorted, e.values()));
        assertAccurate(a, e, name + " repeated eigenvalues");
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("solversAndSizes")
    void rankDeficientPsdHasZeroEigenvaluesToRoundoff(String name, int n) {
        int rank = n / 3 + 1;
        double[] a = TestMatrices.randomGram(n, rank, 5);
        SymmetricEigen e = solver(name).decompose(a, n);
        assertAccurate(a, e, name + " rank-deficient PSD");
        double top = e.value(n - 1);
        for (int j = 0; j < n - rank; j++) {
            assertTrue(Math.abs(e.value(j)) <= 1e-13 * n * top, "eigenvalue " + j + " = " + e.value(j)
                    + " should be 0 to roundoff");
        }
        assertTrue(e.value(n - rank) > 1e-3 * top, "only " + (rank - 1) + " nonzero eigenvalues");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void zeroMatrixHasZeroSpectrum(String name) {
        int n = 9;
        SymmetricEigen e = solver(name).decompose(new double[n * n], n);
        assertArrayEquals(new double[n], e.values());
        assertTrue(orthogonalityError(e) <= TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void widelyScaledEntriesStayAccurate(String name) {
        int n = 31;
        for (double scale : new double[] {1e-150, 1e150}) {
            double[] a = TestMatrices.randomSymmetric(n, 8);
            for (int i = 0; i < a.length; i++) {
                a[i] *= scale;
            }
            SymmetricEigen e = solver(name).decompose(a, n);
            assertAccurate(a, e, name + " scaled by " + scale);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void nonFiniteInputIsRejectedNamingSizeAndElement(String name) {
        SymmetricEigensolver s = solver(name);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] a = TestMatrices.randomSymmetric(5, 1);
            a[2 * 5 + 3] = bad;
            a[3 * 5 + 2] = bad;
            ArithmeticException ex = assertThrows(ArithmeticException.class, () -> s.decompose(a, 5));
            assertTrue(ex.getMessage().contains("5x5") && ex.getMessage().contains("not finite"), ex.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void asymmetricOrMisshapenInputIsRejected(String name) {
        SymmetricEigensolver s = solver(name);
        double[] a = TestMatrices.randomSymmetric(4, 2);
        a[1] += 0.5;
        IllegalArgumentException asym = assertThrows(IllegalArgumentException.class, () -> s.decompose(a, 4));
        assertTrue(asym.getMessage().contains("not symmetric"), asym.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> s.decompose(new double[15], 4));
        assertTrue(shape.getMessage().contains("4x4"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.decompose(new double[0], 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void roundingLevelAsymmetryIsAveragedAway(String name) {
        int n = 17;
        double[] a = TestMatrices.randomSymmetric(n, 4);
        double[] nudged = a.clone();
        nudged[3 * n + 5] += 1e-9;
        SymmetricEigen e = solver(name).decompose(nudged, n);
        double[] averaged = a.clone();
        averaged[3 * n + 5] += 0.5e-9;
        averaged[5 * n + 3] += 0.5e-9;
        assertAccurate(averaged, e, name + " nudged");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "dsyevd", "dsyevr", "active"})
    void repeatedCallsAreBitwiseDeterministic(String name) {
        SymmetricEigensolver s = solver(name);
        double[] a = TestMatrices.randomSymmetric(40, 6);
        SymmetricEigen first = s.decompose(a, 40);
        SymmetricEigen second = s.decompose(a, 40);
        assertArrayEquals(first.values(), second.values());
        assertArrayEquals(first.vectors(), second.vectors());
    }
}
