package geodesic.linalg;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

/** Float64 reference arithmetic and seeded random matrices for the linalg tests; all arrays row-major. */
final class TestMatrices {
    private TestMatrices() {
    }

    /** The solver a parameterized test names; LAPACK ones are skipped where OpenBLAS cannot load. */
    static SymmetricEigensolver solver(String name) {
        return switch (name) {
            case "java" -> SymmetricEigensolver.pureJava();
            case "dsyevd", "dsyevr" -> {
                assumeTrue(OpenBlas.isAvailable(), () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason());
                yield SymmetricEigensolver.lapack(name.equals("dsyevd") ? LapackDriver.DSYEVD : LapackDriver.DSYEVR);
            }
            case "active" -> SymmetricEigensolver.active();
            default -> throw new IllegalArgumentException("unknown solver " + name);
        };
    }

    /** Symmetric with entries uniform in [-1, 1). */
    static double[] randomSymmetric(int n, long seed) {
        Random random = new Random(seed);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 2 * random.nextDouble() - 1;
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        }
        return a;
    }

    /** {@code X^T X / rows} for a Gaussian {@code rows x n} X: PSD of rank {@code min(rows, n)}, like a K-FAC factor. */
    static double[] randomGram(int n, int rows, long seed) {
        Random random = new Random(seed);
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double xi = x[r * n + i] / rows;
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += xi * x[r * n + j];
                }
            }
        }
        return a;
    }

    /** A random orthogonal matrix (modified Gram-Schmidt on a Gaussian matrix, twice for full precision). */
    static double[] randomOrthogonal(int n, long seed) {
        Random random = new Random(seed);
        double[] q = new double[n * n];
        for (int i = 0; i < q.length; i++) {
            q[i] = random.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[j * n + i] * q[k * n + i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[j * n + i] -= dot * q[k * n + i];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += q[j * n + i] * q[j * n + i];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    q[j * n + i] /= norm;
                }
            }
        }
        return q;
    }

    /** {@code Q^T diag(values) Q} for orthogonal Q given by rows: a symmetric matrix with exactly these eigenvalues. */
    static double[] withSpectrum(double[] values, long seed) {
        int n = values.length;
        double[] q = randomOrthogonal(n, seed);
        double[] a = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double qi = values[k] * q[k * n + i];
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += qi * q[k * n + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = mean;
                a[j * n + i] = mean;
            }
        }
        return a;
    }

    /** {@code A B} for square {@code n x n} matrices. */
    static double[] multiply(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    /** {@code max_j ||A v_j - lambda_j v_j||_2 / ||A||_2}, with {@code ||A||_2 = max |lambda|} (1 for A = 0). */
    static double maxRelativeResidual(double[] a, SymmetricEigen e) {
        int n = e.n();
        double norm = Math.max(Math.abs(e.value(0)), Math.abs(e.value(n - 1)));
        double worst = 0;
        for (int j = 0; j < n; j++) {
            double sumSquares = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * e.vectorComponent(j, k);
                }
                double r = av - e.value(j) * e.vectorComponent(j, i);
                sumSquares += r * r;
            }
            worst = Math.max(worst, Math.sqrt(sumSquares) / (norm == 0 ? 1 : norm));
        }
        return worst;
    }

    /**
     * {@code ||V^T V - I||_inf} (largest absolute row sum) over the eigenvectors: for this symmetric error matrix an
     * upper bound of its spectral norm.
     */
    static double orthogonalityError(SymmetricEigen e) {
        int n = e.n();
        double[] v = e.vectors();
        double[] rowSums = new double[n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y <= x; y++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[x * n + i] * v[y * n + i];
                }
                double err = Math.abs(dot - (x == y ? 1 : 0));
                rowSums[x] += err;
                if (y != x) {
                    rowSums[y] += err;
                }
            }
        }
        double worst = 0;
        for (double r : rowSums) {
            worst = Math.max(worst, r);
        }
        return worst;
    }

    /** {@code max |a_i - b_i|}. */
    static double maxAbsDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
