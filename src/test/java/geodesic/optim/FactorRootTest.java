package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import geodesic.linalg.LargestEigenpairs;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The truncated (rank k plus isotropic tail) inverse root against float64 references. */
class FactorRootTest {
    private static final MatMul MAT_MUL = KernelProvider.get().matMul(Parallelism.sequential());
    private static final Damping DAMPING = Damping.factored(1e-3);

    /** A decomposition with a random orthonormal basis and the given ascending eigenvalues. */
    private static SymmetricEigen withSpectrum(double[] values, long seed) {
        int n = values.length;
        SplittableRandom r = new SplittableRandom(seed);
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                float v = (float) r.nextGaussian();
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        double[] basis = SymmetricEigensolver.active().decompose(m, n).vectors();
        return SymmetricEigen.of(n, values, basis);
    }

    /** {@code U diag(f(lambda)) U^T} in float64. */
    private static double[] reconstruct(SymmetricEigen e, double[] scales) {
        int n = e.n();
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int x = 0; x < n; x++) {
                double vx = e.vectorComponent(j, x) * scales[j];
                for (int y = 0; y < n; y++) {
                    r[x * n + y] += vx * e.vectorComponent(j, y);
                }
            }
        }
        return r;
    }

    private static float[] randomMatrix(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] g = new float[size];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        return g;
    }

    /** Max over elements of |got - want| / max |want|. */
    private static double error(float[] got, double[] want) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        return err / scale;
    }

    private static double[] leftProduct(double[] r, float[] g, int n, int cols) {
        double[] out = new double[n * cols];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < cols; j++) {
                    out[i * cols + j] += r[i * n + k] * g[k * cols + j];
                }
            }
        }
        return out;
    }

    private static double[] rightProduct(float[] g, double[] r, int rows, int n, double alpha) {
        double[] out = new double[rows * n];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += alpha * g[i * n + k] * r[k * n + j];
                }
            }
        }
        return out;
    }

    /** A factor that is low-rank plus a multiple of the identity has equal discarded eigenvalues: exact. */
    @ParameterizedTest
    @CsvSource({"3, 1, 1", "7, 3, 5", "33, 8, 9", "129, 31, 1", "257, 64, 33"})
    void truncatedRootEqualsFullRootWhenTheDiscardedEigenvaluesAreEqual(int n, int k, int other) {
        double[] values = new double[n];
        SplittableRandom r = new SplittableRandom(n);
        for (int j = 0; j < n - k; j++) {
            values[j] = 0.01;
        }
        for (int j = n - k; j < n; j++) {
            values[j] = 0.02 + j * (1 + r.nextDouble());
        }
        SymmetricEigen e = withSpectrum(values, n * 31L);
        FactorRoot truncated = FactorRoot.truncated(LargestEigenpairs.largestOf(e, k), DAMPING, 0.1);
        assertEquals(k, truncated.rank());
        double[] full = e.inverseRootDouble(0.5, DAMPING.factorEpsilon(0) + 0.1 * mean(values));

        float[] g = randomMatrix(n * other, n + other);
        float[] out = new float[n * other];
        float[] work = new float[truncated.workspace(other)];
        truncated.multiplyLeft(MAT_MUL, g, other, out, work);
        double left = error(out, leftProduct(full, g, n, other));
        assertTrue(left < 2e-5, "R g max relative error " + left);

        truncated.multiplyRight(MAT_MUL, g, other, 0.5f, out, work);
        double right = error(out, rightProduct(g, full, other, n, 0.5));
        assertTrue(right < 2e-5, "0.5 g R max relative error " + right);
    }

    /**
     * On any spectrum the kept directions get their exact root and the discarded ones the root of their mean,
     * {@code c = (mean(lambda_tail) + eps)^-1/2}: the reference is built from that definition.
     */
    @ParameterizedTest
    @CsvSource({"9, 2, 4", "40, 10, 7", "150, 20, 3"})
    void truncatedRootScalesKeptDirectionsExactlyAndTheRestByTheirMeanEigenvalue(int n, int k, int other) {
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = Math.pow(1.15, j) * 1e-3;
        }
        values[0] = -1e-9;
        SymmetricEigen e = withSpectrum(values, n * 7L);
        FactorRoot truncated = FactorRoot.truncated(LargestEigenpairs.largestOf(e, k), DAMPING, 0);
        double eps = DAMPING.factorEpsilon(0);
        double tail = 0;
        for (int j = 0; j < n - k; j++) {
            tail += Math.max(values[j], 0);
        }
        double c = 1 / Math.sqrt(tail / (n - k) + eps);
        double[] scales = new double[n];
        for (int j = 0; j < n; j++) {
            scales[j] = j < n - k ? c : 1 / Math.sqrt(values[j] + eps);
        }
        double[] want = reconstruct(e, scales);
        float[] g = randomMatrix(n * other, n);
        float[] out = new float[n * other];
        truncated.multiplyLeft(MAT_MUL, g, other, out, new float[truncated.workspace(other)]);
        double err = error(out, leftProduct(want, g, n, other));
        assertTrue(err < 2e-5, "max relative error " + err);
        assertEquals(c, truncated.tailScale(), 1e-6 * c);
    }

    private static double mean(double[] values) {
        double s = 0;
        for (double v : values) {
            s += Math.max(v, 0);
        }
        return s / values.length;
    }
}
