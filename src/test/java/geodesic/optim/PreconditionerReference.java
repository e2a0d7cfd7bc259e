package geodesic.optim;

import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.tensor.Tensor;
import java.util.SplittableRandom;

/** Plain float64 references for the preconditioner tests: factor statistics, matrix roots and products. */
final class PreconditionerReference {
    private PreconditionerReference() {
    }

    static Tensor random(SplittableRandom r, double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (scale * r.nextGaussian());
        }
        return t;
    }

    /** {@code A_batch = 1/(rows) sum_r [a_r; 1][a_r; 1]^T} over rows {@code [first, first + rows)} of inputs. */
    static double[] inputStatistic(float[] x, int in, int firstRow, int rows) {
        int m = in + 1;
        double[] a = new double[m * m];
        double[] row = new double[m];
        for (int r = firstRow; r < firstRow + rows; r++) {
            for (int i = 0; i < in; i++) {
                row[i] = x[r * in + i];
            }
            row[in] = 1;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    a[i * m + j] += row[i] * row[j] / rows;
                }
            }
        }
        return a;
    }

    /**
     * {@code B_batch = 1/used sum_n sum_p (N g_np)(N g_np)^T} over examples {@code [first, first + used)} of output
     * gradients {@code [N, out, P]}.
     */
    static double[] gradientStatistic(float[] g, int examples, int out, int positions, int first, int used) {
        double[] b = new double[out * out];
        for (int n = first; n < first + used; n++) {
            for (int p = 0; p < positions; p++) {
                for (int i = 0; i < out; i++) {
                    double gi = (double) examples * g[(n * out + i) * positions + p];
                    for (int j = 0; j < out; j++) {
                        double gj = (double) examples * g[(n * out + j) * positions + p];
                        b[i * out + j] += gi * gj / used;
                    }
                }
            }
        }
        return b;
    }

    /** {@code ema = first ? batch : (1 - gamma) ema + gamma batch}, in place. */
    static void ema(double[] ema, double[] batch, double gamma, boolean first) {
        for (int i = 0; i < ema.length; i++) {
            ema[i] = first ? batch[i] : (1 - gamma) * ema[i] + gamma * batch[i];
        }
    }

    /** Row-major {@code m x k} times {@code k x n}. */
    static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i * k + l];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += ail * b[l * n + j];
                }
            }
        }
        return c;
    }

    /** {@code (M + shift I)^-1/2} of a symmetric {@code n x n} matrix, eigenvalues clamped at 0, in float64. */
    static double[] inverseRoot(double[] m, int n, double shift) {
        return SymmetricEigensolver.pureJava().decompose(m, n).inverseRootDouble(0.5, shift);
    }

    /** Mean of the eigenvalues clamped at 0. */
    static double meanEigenvalue(double[] m, int n) {
        SymmetricEigen e = SymmetricEigensolver.pureJava().decompose(m, n);
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.max(e.value(j), 0);
        }
        return s / n;
    }

    /** Widens a float array. */
    static double[] wide(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** {@code max |got - want| / max |want|}. */
    static double relativeError(float[] got, double[] want) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }

    /** The layer gradient {@code [dW; db]} as one {@code (in + 1) x out} array. */
    static double[] stacked(float[] dw, float[] db) {
        double[] g = new double[dw.length + db.length];
        for (int i = 0; i < dw.length; i++) {
            g[i] = dw[i];
        }
        for (int i = 0; i < db.length; i++) {
            g[dw.length + i] = db[i];
        }
        return g;
    }
}
