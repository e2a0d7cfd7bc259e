package geodesic.linalg;

import geodesic.kernel.MatMul;
import java.util.SplittableRandom;

/**
 * Approximate {@code k} largest eigenpairs of a symmetric float32 matrix by block power (subspace) iteration from a
 * warm start, then Rayleigh-Ritz: for a factor that changes slowly between refreshes, the previous refresh's
 * eigenvectors already span nearly the right subspace, and a few products with the matrix ({@code 2 k' n^2} flops
 * each, {@code k'} = {@code k} plus a few random directions) replace the {@code O(n^3)} tridiagonalization of an exact
 * partial solve.
 *
 * <p>Products run in float32 on the given {@link MatMul}; the small {@code k' x k'} problems (Gram matrices for
 * orthonormalization, the projected matrix) in float64 on the given solver. Each basis is orthonormalized twice
 * (unit rows, then whitening by the Gram matrix's inverse square root), so that float32 rounding in the first pass
 * does not leave it skewed; directions the rows no longer span come out as noise, i.e. fresh random directions. The Ritz values are exact Rayleigh quotients of the returned vectors, which are orthonormal to about
 * float32 precision; the vectors converge at rate {@code lambda_{k'+1} / lambda_i} per iteration, fastest for the
 * largest eigenvalues, slowest near {@code lambda_k}.
 *
 * <p>Deterministic for given inputs and seed. Runs on the calling thread (and the MatMul's team); allocates about
 * {@code 3 k' n} floats.
 */
public final class SubspaceIteration {
    private static final int OVERSAMPLING = 16;

    private SubspaceIteration() {
    }

    /**
     * The {@code k} largest eigenpairs of the symmetric row-major {@code n x n} matrix {@code a}, approximately.
     *
     * @param start      {@code startRows x n} row-major: the warm start, e.g. the previous eigenvectors (need not be
     *                   orthonormal); read only
     * @param iterations products with {@code a} before the Rayleigh-Ritz step, {@code >= 0}
     * @param seed       for the random directions that fill the basis to {@code min(n, k + 16)} rows
     * @throws IllegalArgumentException if a size does not fit, {@code k} is not in {@code [1, n]} or
     *                                  {@code iterations < 0}
     * @throws ArithmeticException      if the matrix or an intermediate holds NaN or infinity, or the basis
     *                                  collapses (the caller should fall back to an exact solver)
     */
    public static LargestEigenpairs largest(float[] a, int n, float[] start, int startRows, int k, int iterations,
                                            long seed, MatMul matMul, SymmetricEigensolver small) {
        SymmetricInput.checkShape(a.length, n);
        SymmetricEigensolver.checkRank(n, k);
        if (startRows < 0 || start.length < (long) startRows * n || iterations < 0) {
            throw new IllegalArgumentException("subspace iteration needs a start of " + startRows + " rows of " + n
                    + " (got " + start.length + " floats) and iterations >= 0 (got " + iterations + ")");
        }
        int width = Math.min(n, k + OVERSAMPLING);
        float[] q = new float[width * n];
        int copied = Math.min(startRows, width);
        System.arraycopy(start, 0, q, 0, copied * n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = copied * n; i < q.length; i++) {
            q[i] = (float) random.nextGaussian();
        }
        float[] y = new float[width * n];
        q = orthonormalize(orthonormalize(q, width, n, matMul, small), width, n, matMul, small);
        for (int it = 0; it < iterations; it++) {
            matMul.gemm(false, false, width, n, n, 1f, q, 0, n, a, 0, n, 0f, y, 0, n);
            q = orthonormalize(orthonormalize(y, width, n, matMul, small), width, n, matMul, small);
        }
        matMul.gemm(false, false, width, n, n, 1f, q, 0, n, a, 0, n, 0f, y, 0, n);
        float[] projected = new float[width * width];
        matMul.gemm(false, true, width, width, n, 1f, y, 0, n, q, 0, n, 0f, projected, 0, width);
        SymmetricEigen ritz = small.decompose(symmetrized(projected, width), width);
        double[] values = new double[k];
        float[] w = new float[k * width];
        for (int i = 0; i < k; i++) {
            int j = width - k + i;
            values[i] = ritz.value(j);
            for (int x = 0; x < width; x++) {
                w[i * width + x] = (float) ritz.vectorComponent(j, x);
            }
        }
        float[] vectors = new float[k * n];
        matMul.gemm(false, false, k, n, width, 1f, w, 0, width, q, 0, n, 0f, vectors, 0, n);
        double[] wide = new double[k * n];
        for (int i = 0; i < wide.length; i++) {
            if (!Float.isFinite(vectors[i])) {
                throw new ArithmeticException("subspace iteration on a " + n + "x" + n + " matrix produced "
                        + vectors[i] + " in eigenvector " + i / n);
            }
            wide[i] = vectors[i];
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i * n + i];
        }
        if (!Double.isFinite(trace)) {
            throw new ArithmeticException("subspace iteration: the " + n + "x" + n + " matrix has trace " + trace);
        }
        return LargestEigenpairs.of(n, values, wide, trace);
    }

    /** Rows of {@code y} ({@code rows x n}) whitened by the inverse square root of their Gram matrix. */
    private static float[] orthonormalize(float[] y, int rows, int n, MatMul matMul, SymmetricEigensolver small) {
        // Unit rows first: rows scaled by eigenvalues spanning decades would make the float32 Gram matrix as
        // ill-conditioned as their squared ratio.
        for (int r = 0; r < rows; r++) {
            double sumSquares = 0;
            for (int x = 0; x < n; x++) {
                sumSquares += (double) y[r * n + x] * y[r * n + x];
            }
            if (!(sumSquares > 0) || !Double.isFinite(sumSquares)) {
                throw new ArithmeticException("subspace iteration: basis row " + r + " has squared norm "
                        + sumSquares);
            }
            float inverse = (float) (1 / Math.sqrt(sumSquares));
            for (int x = 0; x < n; x++) {
                y[r * n + x] *= inverse;
            }
        }
        float[] gram = new float[rows * rows];
        matMul.gemm(false, true, rows, rows, n, 1f, y, 0, n, y, 0, n, 0f, gram, 0, rows);
        SymmetricEigen g = small.decompose(symmetrized(gram, rows), rows);
        double largest = g.value(rows - 1);
        if (!(largest > 0) || !Double.isFinite(largest)) {
            throw new ArithmeticException("subspace iteration: basis of " + rows + " rows collapsed (largest Gram"
                    + " eigenvalue " + largest + ")");
        }
        float[] whiten = new float[rows * rows];
        for (int j = 0; j < rows; j++) {
            // A direction the rows barely span (a steep spectrum pulls every row toward the top eigenvectors) is
            // float32 noise after whitening: in effect a random direction, which the second pass orthonormalizes
            // and the Rayleigh-Ritz step ranks like any other. The floor only keeps the scale finite.
            double scale = 1 / Math.sqrt(Math.max(g.value(j), 1e-12 * largest));
            for (int x = 0; x < rows; x++) {
                whiten[j * rows + x] = (float) (scale * g.vectorComponent(j, x));
            }
        }
        float[] q = new float[rows * n];
        matMul.gemm(false, false, rows, n, rows, 1f, whiten, 0, rows, y, 0, n, 0f, q, 0, n);
        return q;
    }

    private static double[] symmetrized(float[] m, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * ((double) m[i * n + j] + m[j * n + i]);
            }
        }
        return s;
    }
}
