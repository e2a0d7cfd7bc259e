package geodesic.linalg;

import java.util.Arrays;

/**
 * Pure-Java symmetric eigensolver, float64: Householder reduction to tridiagonal form, explicit accumulation of the
 * orthogonal factor, then implicit QL iterations with Wilkinson shifts that rotate the accumulated vectors. Used
 * where OpenBLAS cannot be loaded and as the last resort of the robust chain.
 *
 * <p>Cost about {@code 6 n^3} flops. The matrix is held as an array of rows and every inner loop is a unit-stride
 * update of one row by another, which the JIT vectorizes: the reduction reads the trailing matrix by rows (it is
 * symmetric, so {@code A v} is a sum of scaled rows), and the eigenvectors are kept as rows so that each plane
 * rotation combines two contiguous rows. The input is first scaled by a power of two (exact) so that no
 * intermediate overflows or underflows prematurely.
 *
 * <p>Stateless and thread-safe; results are deterministic.
 */
final class JavaEigensolver implements SymmetricEigensolver {
    static final JavaEigensolver INSTANCE = new JavaEigensolver();
    static final String NAME = "java-householder-ql";
    private static final int MAX_ITERATIONS_PER_EIGENVALUE = 60;

    private JavaEigensolver() {
    }

    @Override
    public SymmetricEigen decompose(double[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    @Override
    public SymmetricEigen decompose(float[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Decomposes the exactly symmetric, finite row-major {@code s}, which is left unchanged. */
    static SymmetricEigen decomposeSymmetric(double[] s, int n) {
        double maxAbs = 0;
        for (double v : s) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double[][] rows = new double[n][n];
        if (maxAbs == 0) {
            for (int i = 0; i < n; i++) {
                rows[i][i] = 1;
            }
            return assemble(new double[n], rows, 0);
        }
        int exponent = Math.getExponent(maxAbs);
        double scale = Math.scalb(1.0, -exponent);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i][j] = s[i * n + j] * scale;
            }
        }
        double[] diagonal = new double[n];
        double[] offDiagonal = new double[n];
        double[] beta = new double[n];
        tridiagonalize(rows, diagonal, offDiagonal, beta);
        double[][] vectors = orthogonalFactorTransposed(rows, beta);
        diagonalize(diagonal, offDiagonal, vectors);
        return assemble(diagonal, vectors, exponent);
    }

    /**
     * Reduces the symmetric {@code a} to tridiagonal {@code T = Q^T A Q}, {@code Q = H_0 ... H_{n-3}}, with
     * {@code H_k = I - beta_k v_k v_k^T} acting on indices {@code k+1 .. n-1}. On return {@code diagonal} and
     * {@code offDiagonal[0 .. n-2]} hold T and row {@code k} of {@code a} holds {@code v_k} in columns
     * {@code k+1 ..}; the rest of {@code a} is garbage.
     *
     * <p>Step k updates the trailing block {@code B <- B - v w^T - w v^T} with {@code w = beta B v - K v}. The
     * product {@code B' v'} of step k+1 is accumulated while the rows of B are updated, so B streams through the
     * cache once per step instead of twice.
     */
    private static void tridiagonalize(double[][] a, double[] diagonal, double[] offDiagonal, double[] beta) {
        int n = a.length;
        diagonal[0] = a[0][0];
        if (n == 1) {
            return;
        }
        if (n == 2) {
            offDiagonal[0] = a[0][1];
            diagonal[1] = a[1][1];
            return;
        }
        double[] p = new double[n];
        double[] w = new double[n];
        makeReflector(a[0], 0, offDiagonal, beta);
        if (beta[0] != 0) {
            for (int r = 1; r < n; r++) {
                axpy(a[0][r], a[r], p, 1, n);
            }
        }
        for (int k = 0; k <= n - 3; k++) {
            double[] v = a[k];
            double b = beta[k];
            if (b != 0) {
                double vp = 0;
                for (int j = k + 1; j < n; j++) {
                    vp += v[j] * p[j];
                }
                double half = 0.5 * b * b * vp;
                for (int j = k + 1; j < n; j++) {
                    w[j] = b * p[j] - half * v[j];
                }
                rankTwoUpdate(a[k + 1], v[k + 1], w[k + 1], v, w, k + 1, n);
            }
            int next = k + 1;
            double[] vNext = a[next];
            boolean accumulate = false;
            if (next <= n - 3) {
                diagonal[next] = vNext[next];
                makeReflector(vNext, next, offDiagonal, beta);
                accumulate = beta[next] != 0;
                if (accumulate) {
                    Arrays.fill(p, next + 1, n, 0.0);
                }
            }
            for (int r = k + 2; r < n; r++) {
                double[] row = a[r];
                if (b != 0) {
                    rankTwoUpdate(row, v[r], w[r], v, w, k + 1, n);
                }
                if (accumulate) {
                    axpy(vNext[r], row, p, next + 1, n);
                }
            }
        }
        diagonal[n - 2] = a[n - 2][n - 2];
        offDiagonal[n - 2] = a[n - 2][n - 1];
        diagonal[n - 1] = a[n - 1][n - 1];
    }

    /**
     * Householder reflector for {@code x = row[k+1 .. n-1]}: {@code H x = alpha e_1}, alpha of the opposite sign to
     * {@code x_0} so that {@code v_0 = x_0 - alpha} involves no cancellation. Stores v in place of x, alpha in
     * {@code offDiagonal[k]} and {@code 2 / v^T v} in {@code beta[k]}; beta is 0 (no reflection) when x is already a
     * multiple of {@code e_1}.
     */
    private static void makeReflector(double[] row, int k, double[] offDiagonal, double[] beta) {
        int n = row.length;
        double x0 = row[k + 1];
        double tailMax = 0;
        for (int j = k + 2; j < n; j++) {
            tailMax = Math.max(tailMax, Math.abs(row[j]));
        }
        if (tailMax == 0) {
            offDiagonal[k] = x0;
            beta[k] = 0;
            return;
        }
        double xMax = Math.max(Math.abs(x0), tailMax);
        double sumSquares = 0;
        for (int j = k + 1; j < n; j++) {
            double t = row[j] / xMax;
            sumSquares += t * t;
        }
        double norm = xMax * Math.sqrt(sumSquares);
        double alpha = x0 >= 0 ? -norm : norm;
        row[k + 1] = x0 - alpha;
        beta[k] = 1 / (norm * (norm + Math.abs(x0)));
        offDiagonal[k] = alpha;
    }

    /**
     * Forms {@code Q^T} for the reflectors left in {@code a} by {@link #tridiagonalize}. Q is accumulated backwards,
     * {@code Q <- H_k Q} for k descending, so each step touches only the trailing block where Q differs from the
     * identity; the result is transposed so that row i holds column i of Q.
     */
    private static double[][] orthogonalFactorTransposed(double[][] a, double[] beta) {
        int n = a.length;
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        double[] u = new double[n];
        for (int k = n - 3; k >= 0; k--) {
            double b = beta[k];
            if (b == 0) {
                continue;
            }
            double[] v = a[k];
            Arrays.fill(u, k + 1, n, 0.0);
            for (int r = k + 1; r < n; r++) {
                axpy(v[r], q[r], u, k + 1, n);
            }
            for (int r = k + 1; r < n; r++) {
                axpy(-b * v[r], u, q[r], k + 1, n);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double t = q[i][j];
                q[i][j] = q[j][i];
                q[j][i] = t;
            }
        }
        return q;
    }

    /**
     * Implicit QL with Wilkinson shifts on the tridiagonal {@code (diagonal, offDiagonal)}: on return
     * {@code diagonal} holds the eigenvalues (unsorted) and each rotation has been applied to the rows of
     * {@code vectors}, turning rows of {@code Q^T} into eigenvectors.
     *
     * <p>An off-diagonal element is negligible below {@code ulp(1) * ||T||}: a perturbation of that size is within
     * the backward error of the whole method, and a test relative to the neighbouring diagonal instead would
     * demand relative accuracy that roundoff from large eigenvalues denies to clusters of tiny ones (the zero
     * eigenvalues of a rank-deficient factor), which then never converge.
     *
     * <p>For each leading index l, the block {@code l .. m} ends at the first negligible off-diagonal element;
     * a shift from the 2x2 at its top is chased from the bottom of the block by plane rotations until
     * {@code offDiagonal[l]} is negligible. If a rotation's radius underflows to 0 the block splits there and the
     * sweep restarts.
     *
     * @throws ArithmeticException if an eigenvalue does not converge within the iteration limit
     */
    private static void diagonalize(double[] d, double[] e, double[][] vectors) {
        int n = d.length;
        e[n - 1] = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
        }
        double negligible = Math.ulp(1.0) * norm;
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                int m = l;
                while (m < n - 1 && Math.abs(e[m]) > negligible) {
                    m++;
                }
                if (m == l) {
                    break;
                }
                if (++iterations > MAX_ITERATIONS_PER_EIGENVALUE) {
                    throw new ArithmeticException("Java eigensolver: QL iteration did not converge for eigenvalue "
                            + l + " of a " + n + "x" + n + " matrix after " + MAX_ITERATIONS_PER_EIGENVALUE
                            + " iterations");
                }
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = radius(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1;
                double c = 1;
                double p = 0;
                boolean split = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = radius(f, g);
                    e[i + 1] = r;
                    if (r == 0) {
                        d[i + 1] -= p;
                        e[m] = 0;
                        split = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    rotate(vectors[i], vectors[i + 1], c, s);
                }
                if (!split) {
                    d[l] -= p;
                    e[l] = g;
                    e[m] = 0;
                }
            }
        }
    }

    /** Rows {@code (x, y) <- (c x - s y, s x + c y)}. */
    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int k = 0; k < x.length; k++) {
            double xk = x[k];
            double yk = y[k];
            x[k] = c * xk - s * yk;
            y[k] = s * xk + c * yk;
        }
    }

    /** {@code sqrt(a^2 + b^2)} without overflow; cheaper than {@link Math#hypot}, which is correctly rounded. */
    private static double radius(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        double big = Math.max(x, y);
        if (big == 0) {
            return 0;
        }
        double t = Math.min(x, y) / big;
        return big * Math.sqrt(1 + t * t);
    }

    /** Sorts eigenpairs by ascending eigenvalue, undoes the power-of-two scaling and flattens the vectors. */
    private static SymmetricEigen assemble(double[] d, double[][] vectors, int exponent) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));
        double[] values = new double[n];
        double[] flat = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = Math.scalb(d[order[j]], exponent);
            System.arraycopy(vectors[order[j]], 0, flat, j * n, n);
        }
        return SymmetricEigen.of(n, values, flat);
    }

    /** {@code row[j] -= vi w[j] + wi v[j]} for {@code j} in {@code [from, n)}: one row of a symmetric rank-2 update. */
    private static void rankTwoUpdate(double[] row, double vi, double wi, double[] v, double[] w, int from, int n) {
        for (int j = from; j < n; j++) {
            row[j] -= vi * w[j] + wi * v[j];
        }
    }

    /** {@code y[j] += alpha x[j]} for {@code j} in {@code [from, to)}. */
    private static void axpy(double alpha, double[] x, double[] y, int from, int to) {
        for (int j = from; j < to; j++) {
            y[j] += alpha * x[j];
        }
    }
}
