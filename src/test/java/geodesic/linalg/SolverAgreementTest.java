package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native and pure-Java solvers agree: eigenvalues to roundoff, eigenvectors up to sign and, for repeated
 * eigenvalues, up to the choice of basis (compared through the orthogonal projector onto each eigenspace).
 */
class SolverAgreementTest {
    /** Eigenvalues closer than this (relative to ||A||) form one cluster, whose basis is not unique. */
    private static final double CLUSTER_GAP = 1e-8;

    @BeforeEach
    void requireOpenBlas() {
        assumeTrue(OpenBlas.isAvailable(), () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason());
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 17, 64, 300})
    void nativeAndJavaAgreeOnRandomSymmetricMatrices(int n) {
        assertAgree(TestMatrices.randomSymmetric(n, 1000 + n), n);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {17, 64, 129})
    void nativeAndJavaAgreeOnEigenspacesOfRepeatedEigenvalues(int n) {
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = i % 3 == 0 ? 1.0 : i % 3 == 1 ? 0.0 : 3.0 + i;
        }
        assertAgree(TestMatrices.withSpectrum(spectrum, n), n);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {17, 64, 300})
    void nativeAndJavaAgreeOnRankDeficientPsdMatrices(int n) {
        assertAgree(TestMatrices.randomGram(n, n / 3 + 1, 77), n);
    }

    private static void assertAgree(double[] a, int n) {
        for (LapackDriver driver : LapackDriver.values()) {
            SymmetricEigen reference = SymmetricEigensolver.pureJava().decompose(a, n);
            SymmetricEigen nat = SymmetricEigensolver.lapack(driver).decompose(a, n);
            double norm = Math.max(1e-300, Math.max(Math.abs(reference.value(0)), Math.abs(reference.value(n - 1))));
            double valueError = TestMatrices.maxAbsDifference(reference.values(), nat.values()) / norm;
            assertTrue(valueError <= 1e-12, driver + " n=" + n + ": max eigenvalue difference / ||A|| = " + valueError);
            double worstProjector = 0;
            int start = 0;
            while (start < n) {
                int end = start + 1;
                while (end < n && reference.value(end) - reference.value(end - 1) <= CLUSTER_GAP * norm) {
                    end++;
                }
                double gap = Math.min(start == 0 ? Double.MAX_VALUE : reference.value(start) - reference.value(start - 1),
                        end == n ? Double.MAX_VALUE : reference.value(end) - reference.value(end - 1));
                double error = projectorDifference(reference, nat, start, end, n);
                // Davis-Kahan: eigenspace error ~ backward error / gap.
                double allowed = 1e-13 * n * norm / Math.min(gap, norm) + 1e-12;
                assertTrue(error <= allowed, driver + " n=" + n + ": eigenspace [" + start + ", " + end
                        + ") projectors differ by " + error + " > " + allowed);
                worstProjector = Math.max(worstProjector, error);
                start = end;
            }
        }
    }

    /** {@code max |P_x - P_y|} for the projectors onto eigenvectors {@code [from, to)} of each decomposition. */
    private static double projectorDifference(SymmetricEigen x, SymmetricEigen y, int from, int to, int n) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                double px = 0;
                double py = 0;
                for (int j = from; j < to; j++) {
                    px += x.vectorComponent(j, i) * x.vectorComponent(j, k);
                    py += y.vectorComponent(j, i) * y.vectorComponent(j, k);
                }
                worst = Math.max(worst, Math.abs(px - py));
            }
        }
        return worst;
    }
}
