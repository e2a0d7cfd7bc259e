package geodesic.linalg;

/**
 * Cheap ({@code O(n^2)}) consistency checks of a decomposition against its matrix, to catch a wrong answer from a
 * solver without the {@code O(n^3)} cost of a full residual: invariants every correct decomposition satisfies and
 * broken ones rarely do. Tolerances are loose multiples of the backward error of a stable solver.
 */
final class EigenVerifier {
    private static final double TOLERANCE = 1e-9;

    private EigenVerifier() {
    }

    /**
     * Checks {@code e} against the exactly symmetric row-major {@code s}.
     *
     * @throws ArithmeticException naming the failed check, the solver and the size
     */
    static void verify(SymmetricEigen e, double[] s, int n, String solver) {
        if (e.n() != n) {
            throw invalid(solver, n, "it has size " + e.n());
        }
        double trace = trace(s, n);
        double norm = frobeniusNorm(s);
        double tol = TOLERANCE * Math.max(1, n) * norm;
        double sum = 0;
        double sumSquares = 0;
        for (int j = 0; j < n; j++) {
            double v = e.value(j);
            if (!Double.isFinite(v)) {
                throw invalid(solver, n, "eigenvalue " + j + " is " + v);
            }
            if (j > 0 && v < e.value(j - 1)) {
                throw invalid(solver, n, "eigenvalues are not ascending at " + j);
            }
            sum += v;
            sumSquares += v * v;
        }
        if (!(Math.abs(sum - trace) <= tol)) {
            throw invalid(solver, n, "eigenvalues sum to " + sum + " but the trace is " + trace);
        }
        if (!(Math.abs(Math.sqrt(sumSquares) - norm) <= tol)) {
            throw invalid(solver, n, "eigenvalues have norm " + Math.sqrt(sumSquares) + " but the matrix has "
                    + "Frobenius norm " + norm);
        }
        for (int j = 0; j < n; j++) {
            double self = dot(e, j, j, n);
            if (!(Math.abs(self - 1) <= TOLERANCE * Math.max(1, n))) {
                throw invalid(solver, n, "eigenvector " + j + " has squared norm " + self);
            }
            if (j > 0) {
                double cross = dot(e, j - 1, j, n);
                if (!(Math.abs(cross) <= TOLERANCE * Math.max(1, n))) {
                    throw invalid(solver, n, "eigenvectors " + (j - 1) + " and " + j + " have dot product " + cross);
                }
            }
        }
        for (int j : new int[] {0, n / 2, n - 1}) {
            double residual = residual(e, s, j, n);
            if (!(residual <= tol)) {
                throw invalid(solver, n, "eigenpair " + j + " has residual ||A v - lambda v|| = " + residual);
            }
        }
    }

    /**
     * Checks the {@code k} largest eigenpairs {@code e} against the exactly symmetric row-major {@code s}: sizes,
     * finite ascending values not above the Frobenius norm, unit and mutually orthogonal neighbouring vectors, the
     * trace, and the residuals of the smallest and largest pair.
     *
     * @throws ArithmeticException naming the failed check, the solver and the size
     */
    static void verifyLargest(LargestEigenpairs e, double[] s, int n, int k, String solver) {
        if (e.n() != n || e.k() != k) {
            throw invalid(solver, n, "it returned " + e.k() + " eigenpairs of size " + e.n() + " for " + k);
        }
        double trace = trace(s, n);
        double norm = frobeniusNorm(s);
        double tol = TOLERANCE * Math.max(1, n) * norm;
        if (!(Math.abs(e.trace() - trace) <= tol)) {
            throw invalid(solver, n, "it reports trace " + e.trace() + " but the trace is " + trace);
        }
        for (int i = 0; i < k; i++) {
            double v = e.value(i);
            if (!Double.isFinite(v) || Math.abs(v) > norm + tol) {
                throw invalid(solver, n, "eigenvalue " + i + " of the largest " + k + " is " + v);
            }
            if (i > 0 && v < e.value(i - 1)) {
                throw invalid(solver, n, "eigenvalues are not ascending at " + i);
            }
            double self = 0;
            double cross = 0;
            for (int x = 0; x < n; x++) {
                self += e.vectorComponent(i, x) * e.vectorComponent(i, x);
                cross += i > 0 ? e.vectorComponent(i - 1, x) * e.vectorComponent(i, x) : 0;
            }
            if (!(Math.abs(self - 1) <= TOLERANCE * Math.max(1, n))) {
                throw invalid(solver, n, "eigenvector " + i + " has squared norm " + self);
            }
            if (!(Math.abs(cross) <= TOLERANCE * Math.max(1, n))) {
                throw invalid(solver, n, "eigenvectors " + (i - 1) + " and " + i + " have dot product " + cross);
            }
        }
        for (int i : new int[] {0, k - 1}) {
            double sumSquares = 0;
            for (int x = 0; x < n; x++) {
                double av = 0;
                for (int y = 0; y < n; y++) {
                    av += s[x * n + y] * e.vectorComponent(i, y);
                }
                double r = av - e.value(i) * e.vectorComponent(i, x);
                sumSquares += r * r;
            }
            if (!(Math.sqrt(sumSquares) <= tol)) {
                throw invalid(solver, n, "eigenpair " + i + " of the largest " + k + " has residual "
                        + Math.sqrt(sumSquares));
            }
        }
    }

    private static double trace(double[] s, int n) {
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += s[i * n + i];
        }
        return trace;
    }

    private static double frobeniusNorm(double[] s) {
        double sumSquares = 0;
        for (double v : s) {
            sumSquares += v * v;
        }
        return Math.sqrt(sumSquares);
    }

    private static double dot(SymmetricEigen e, int x, int y, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += e.vectorComponent(x, i) * e.vectorComponent(y, i);
        }
        return sum;
    }

    private static double residual(SymmetricEigen e, double[] s, int j, int n) {
        double lambda = e.value(j);
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double av = 0;
            for (int k = 0; k < n; k++) {
                av += s[i * n + k] * e.vectorComponent(j, k);
            }
            double r = av - lambda * e.vectorComponent(j, i);
            sumSquares += r * r;
        }
        return Math.sqrt(sumSquares);
    }

    private static ArithmeticException invalid(String solver, int n, String detail) {
        return new ArithmeticException(solver + " returned an invalid decomposition of a " + n + "x" + n
                + " matrix: " + detail);
    }
}
