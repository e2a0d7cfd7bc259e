package geodesic.linalg;

import static geodesic.linalg.TestMatrices.multiply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The damped inverse roots {@code U diag((max(lambda, 0) + eps)^-p) U^T} in float64 and float32. */
class InverseRootTest {

    /** {@code max |M - I|}. */
    private static double distanceFromIdentity(double[] m, int n) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                worst = Math.max(worst, Math.abs(m[i * n + j] - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }

    private static double[] plusDiagonal(double[] a, int n, double eps) {
        double[] d = a.clone();
        for (int i = 0; i < n; i++) {
            d[i * n + i] += eps;
        }
        return d;
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 17, 64, 300})
    void squaredInverseSquareRootTimesDampedMatrixIsIdentity(int n) {
        double[] a = TestMatrices.randomGram(n, n / 2 + 1, 21L * n);
        SymmetricEigen e = SymmetricEigensolver.active().decompose(a, n);
        double eps = 1e-4 * e.value(n - 1);
        double[] r = e.inverseRootDouble(0.5, eps);
        double[] product = multiply(multiply(r, r, n), plusDiagonal(a, n, eps), n);
        double condition = (e.value(n - 1) + eps) / eps;
        double error = distanceFromIdentity(product, n);
        double allowed = 1e-15 * n * condition;
        assertTrue(error <= allowed, "n=" + n + ": max |R R (A + eps I) - I| = " + error + " > " + allowed);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 64, 129})
    void exponentOneGivesTheDampedInverse(int n) {
        double[] a = TestMatrices.randomGram(n, n + 5, 3L * n);
        double eps = 0.1;
        double[] r = SymmetricEigensolver.active().decompose(a, n).inverseRootDouble(1, eps);
        double error = distanceFromIdentity(multiply(r, plusDiagonal(a, n, eps), n), n);
        assertTrue(error <= 1e-12, "n=" + n + ": max |R (A + eps I) - I| = " + error);
    }

    @Test
    void negativeEigenvaluesAreClampedToZeroBeforeDamping() {
        double[] spectrum = {-1, -1e-12, 0, 4};
        int n = spectrum.length;
        double[] a = TestMatrices.withSpectrum(spectrum, 13);
        double eps = 0.5;
        double[] r = SymmetricEigensolver.pureJava().decompose(a, n).inverseRootDouble(0.5, eps);
        double[] q = TestMatrices.randomOrthogonal(n, 13);
        double[] expected = new double[n * n];
        for (int k = 0; k < n; k++) {
            double f = Math.pow(Math.max(spectrum[k], 0) + eps, -0.5);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] += f * q[k * n + i] * q[k * n + j];
                }
            }
        }
        double error = TestMatrices.maxAbsDifference(expected, r);
        assertTrue(error <= 1e-13, "max |R - expected| = " + error);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 9, 64, 257})
    void float32RootIsTheFloat64RootRoundedOnce(int n) {
        SymmetricEigen e = SymmetricEigensolver.active().decompose(TestMatrices.randomGram(n, 2 * n, n), n);
        double[] r = e.inverseRootDouble(0.5, 1e-3);
        float[] f = e.inverseRoot(0.5, 1e-3);
        for (int i = 0; i < r.length; i++) {
            assertEquals((float) r[i], f[i], "element " + i);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 17, 64, 300})
    void rootIsExactlySymmetric(int n) {
        double[] r = SymmetricEigensolver.active().decompose(TestMatrices.randomSymmetric(n, 4), n)
                .inverseRootDouble(0.5, 2.0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(r[i * n + j], r[j * n + i], "(" + i + ", " + j + ")");
            }
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 31, 33, 257, 300})
    void blockedJavaGramMatchesFloat64ReferenceInTheLowerTriangle(int n) {
        Random random = new Random(n);
        double[] w = new double[n * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = 2 * random.nextDouble() - 1;
        }
        double[] r = new double[n * n];
        SymmetricEigen.gramLowerJava(n, w, r);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                if (k > i) {
                    assertEquals(0.0, r[i * n + k], "upper triangle (" + i + ", " + k + ") was written");
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += w[j * n + i] * w[j * n + k];
                }
                worst = Math.max(worst, Math.abs(sum - r[i * n + k]));
            }
        }
        assertTrue(worst <= 1e-15 * n, "n=" + n + ": max |R - W^T W| = " + worst);
    }

    @Test
    void nativeAndJavaProductsAgree() {
        int n = 129;
        SymmetricEigen e = SymmetricEigensolver.active().decompose(TestMatrices.randomGram(n, 40, 8), n);
        double[] viaActive = e.inverseRootDouble(0.5, 1e-2);
        double[] w = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = Math.pow(Math.max(e.value(j), 0) + 1e-2, -0.25);
            for (int i = 0; i < n; i++) {
                w[j * n + i] = s * e.vectorComponent(j, i);
            }
        }
        double[] javaLower = new double[n * n];
        SymmetricEigen.gramLowerJava(n, w, javaLower);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                worst = Math.max(worst, Math.abs(javaLower[i * n + k] - viaActive[i * n + k]));
            }
        }
        assertTrue(worst <= 1e-12 * 10, "max difference " + worst);
    }

    @Test
    void singularMatrixWithoutDampingIsAnArithmeticError() {
        SymmetricEigen e = SymmetricEigensolver.pureJava().decompose(new double[] {0, 0, 0, 1}, 2);
        ArithmeticException ex = assertThrows(ArithmeticException.class, () -> e.inverseRoot(0.5, 0));
        assertTrue(ex.getMessage().contains("eps"), ex.getMessage());
        double[] damped = e.inverseRootDouble(0.5, 1);
        assertEquals(1.0, damped[0], 1e-15);
        assertEquals(Math.sqrt(0.5), damped[3], 1e-15);
    }

    @Test
    void invalidExponentOrDampingIsRejected() {
        SymmetricEigen e = SymmetricEigensolver.pureJava().decompose(new double[] {2}, 1);
        for (double p : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> e.inverseRoot(p, 1e-3), "p = " + p);
        }
        for (double eps : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> e.inverseRoot(0.5, eps), "eps = " + eps);
        }
        assertEquals(Math.pow(2, -0.5), e.inverseRootDouble(0.5, 0)[0], 1e-15);
    }
}
