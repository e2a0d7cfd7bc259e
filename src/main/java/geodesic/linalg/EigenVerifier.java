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
        double frobeniusSquared = 0;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += s[i * n + i];
            for (int j = 0; j < n; j++) {
                frobeniusSquared += s[i * n + j] * s[i * n + j];
            }
        }
        double norm = Math.sqrt(frobeniusSquared);
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
