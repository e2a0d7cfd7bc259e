package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code (L (x) R + eps I)^-p} applied in the eigenbasis, checked without eigendecompositions: for p = 1 the output
 * X must solve {@code L X R + eps X = G}, and for p = 1/2 applying it twice must.
 */
class EigenbasisTest {
    private static final MatMul MATMUL = KernelProvider.scalar().matMul(Parallelism.sequential());

    private static float[] randomGradient(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] g = new float[rows * cols];
        for (int i = 0; i < g.length; i++) {
            g[i] = 2 * random.nextFloat() - 1;
        }
        return g;
    }

    /** {@code max |L X R + eps X - G| / max |G|} in float64. */
    private static double dampedKroneckerResidual(double[] l, double[] r, double eps, float[] x, float[] g,
                                                  int rows, int cols) {
        double worst = 0;
        double scale = 0;
        for (float v : g) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] lx = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rows; k++) {
                for (int j = 0; j < cols; j++) {
                    lx[i * cols + j] += l[i * rows + k] * x[k * cols + j];
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double sum = eps * x[i * cols + j];
                for (int k = 0; k < cols; k++) {
                    sum += lx[i * cols + k] * r[k * cols + j];
                }
                worst = Math.max(worst, Math.abs(sum - g[i * cols + j]));
            }
        }
        return worst / scale;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1,1", "7,9", "17,8", "33,31", "64,9"})
    void exponentOneSolvesTheDampedKroneckerSystem(int rows, int cols) {
        double[] l = TestMatrices.randomGram(rows, rows + 4, rows);
        double[] r = TestMatrices.randomGram(cols, cols / 2 + 1, 100 + cols);
        double eps = 0.05;
        Eigenbasis left = SymmetricEigensolver.active().decompose(l, rows).toEigenbasis();
        Eigenbasis right = SymmetricEigensolver.active().decompose(r, cols).toEigenbasis();
        float[] g = randomGradient(rows, cols, 3);
        float[] out = new float[rows * cols];
        Eigenbasis.applyKroneckerInverseRoot(left, right, 1, eps, g, out, new float[rows * cols], MATMUL);
        double residual = dampedKroneckerResidual(l, r, eps, out, g, rows, cols);
        double allowed = 1e-6 * (rows + cols) * 10;
        assertTrue(residual <= allowed, "max relative |L X R + eps X - G| = " + residual + " > " + allowed);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1,1", "9,7", "31,33", "8,64"})
    void squareRootAppliedTwiceSolvesTheDampedKroneckerSystem(int rows, int cols) {
        double[] l = TestMatrices.randomGram(rows, rows / 3 + 1, rows);
        double[] r = TestMatrices.randomGram(cols, cols + 2, 100 + cols);
        double eps = 0.1;
        Eigenbasis left = SymmetricEigensolver.active().decompose(l, rows).toEigenbasis();
        Eigenbasis right = SymmetricEigensolver.active().decompose(r, cols).toEigenbasis();
        float[] g = randomGradient(rows, cols, 4);
        float[] scratch = new float[rows * cols];
        float[] once = new float[rows * cols];
        Eigenbasis.applyKroneckerInverseRoot(left, right, 0.5, eps, g, once, scratch, MATMUL);
        float[] twice = new float[rows * cols];
        Eigenbasis.applyKroneckerInverseRoot(left, right, 0.5, eps, once, twice, scratch, MATMUL);
        double residual = dampedKroneckerResidual(l, r, eps, twice, g, rows, cols);
        double allowed = 1e-6 * (rows + cols) * 10;
        assertTrue(residual <= allowed, "max relative |L X R + eps X - G| = " + residual + " > " + allowed);
    }

    @Test
    void inPlaceApplicationMatchesOutOfPlace() {
        int rows = 12;
        int cols = 5;
        Eigenbasis left = SymmetricEigensolver.pureJava().decompose(TestMatrices.randomGram(rows, 20, 1), rows)
                .toEigenbasis();
        Eigenbasis right = SymmetricEigensolver.pureJava().decompose(TestMatrices.randomGram(cols, 9, 2), cols)
                .toEigenbasis();
        float[] g = randomGradient(rows, cols, 5);
        float[] out = new float[rows * cols];
        Eigenbasis.applyKroneckerInverseRoot(left, right, 0.5, 1e-3, g, out, new float[rows * cols], MATMUL);
        float[] inPlace = g.clone();
        Eigenbasis.applyKroneckerInverseRoot(left, right, 0.5, 1e-3, inPlace, inPlace, new float[rows * cols],
                MATMUL);
        assertArrayEquals(out, inPlace);
    }

    @Test
    void eigenbasisKeepsFloat64ValuesAndRoundedVectors() {
        SymmetricEigen e = SymmetricEigensolver.pureJava().decompose(TestMatrices.randomSymmetric(6, 3), 6);
        Eigenbasis b = e.toEigenbasis();
        for (int j = 0; j < 6; j++) {
            assertTrue(b.value(j) == e.value(j), "value " + j);
            for (int i = 0; i < 6; i++) {
                assertTrue(b.vectorComponent(j, i) == (float) e.vectorComponent(j, i), "vector " + j + "," + i);
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        Eigenbasis two = SymmetricEigensolver.pureJava().decompose(new double[] {2, 1, 1, 2}, 2).toEigenbasis();
        Eigenbasis zero = SymmetricEigensolver.pureJava().decompose(new double[] {0}, 1).toEigenbasis();
        float[] g = new float[4];
        assertThrows(IllegalArgumentException.class,
                () -> Eigenbasis.applyKroneckerInverseRoot(two, two, 0.5, 1e-3, new float[3], g, new float[4], MATMUL));
        assertThrows(IllegalArgumentException.class,
                () -> Eigenbasis.applyKroneckerInverseRoot(two, two, 0.5, 1e-3, g, g, g, MATMUL));
        assertThrows(IllegalArgumentException.class,
                () -> Eigenbasis.applyKroneckerInverseRoot(two, two, 0, 1e-3, g, g, new float[4], MATMUL));
        assertThrows(IllegalArgumentException.class,
                () -> Eigenbasis.applyKroneckerInverseRoot(two, two, 0.5, -1, g, g, new float[4], MATMUL));
        assertThrows(ArithmeticException.class,
                () -> Eigenbasis.applyKroneckerInverseRoot(zero, zero, 0.5, 0, new float[1], new float[1],
                        new float[1], MATMUL));
    }
}
