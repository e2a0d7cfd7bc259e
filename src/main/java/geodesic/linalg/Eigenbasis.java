package geodesic.linalg;

import geodesic.kernel.MatMul;

/**
 * A symmetric factor kept in its eigenbasis, in the precision a preconditioner applies it: float32 eigenvectors
 * and float64 eigenvalues. Made by {@link SymmetricEigen#toEigenbasis()}.
 *
 * <p>Keeping {@code (U, lambda)} instead of an inverse root lets the damping of a Kronecker product be applied
 * exactly: {@code (L (x) R + eps I)^-p} has eigenvalues {@code lambda_L[i] * lambda_R[j] + eps}, which no product of
 * per-factor roots reproduces, and {@code eps} can change without a new decomposition.
 *
 * <p><b>Layout.</b> As in {@link SymmetricEigen}: eigenvalues ascending, eigenvectors row-major with row {@code j}
 * = eigenvector {@code j}. Instances are immutable and thread-safe.
 */
public final class Eigenbasis {
    private final int n;
    private final double[] values;
    private final float[] vectors;

    Eigenbasis(int n, double[] values, float[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /** The factor size {@code n}. */
    public int n() {
        return n;
    }

    /** Eigenvalue {@code j}, ascending, unclamped. */
    public double value(int j) {
        return values[j];
    }

    /** Component {@code i} of eigenvector {@code j}, in float32. */
    public float vectorComponent(int j, int i) {
        return vectors[j * n + i];
    }

    /**
     * Applies {@code (L (x) R + eps I)^-p} to a gradient G, where {@code left} decomposes L ({@code rows x rows}) and
     * {@code right} decomposes R ({@code cols x cols}), and G is {@code rows x cols} row-major; in matrix form
     * <pre>{@code out = U_L [ (U_L^T G U_R) / (max(lambda_L, 0) max(lambda_R, 0)^T + eps)^p ] U_R^T }</pre>
     * (the division element-wise). With {@code p = 1/2} this is the damped TSO-ALRA step in the eigenbasis; vec is
     * row-major, so {@code (L (x) R) vec(G) = vec(L G R)}.
     *
     * <p>Four float32 GEMMs of {@code matMul} plus one element-wise pass; the scaling factors are computed in float64.
     * {@code out} may be the same array as {@code g} (in place); {@code scratch} must be distinct from both. Runs on
     * the calling thread and {@code matMul}'s team.
     *
     * @throws IllegalArgumentException if an array is shorter than {@code rows * cols}, {@code scratch} aliases
     *                                  {@code g} or {@code out}, {@code p} is not finite and positive or {@code eps}
     *                                  not finite and {@code >= 0}
     * @throws ArithmeticException      if a damped product is 0 (eps = 0 with a zero eigenvalue)
     */
    public static void applyKroneckerInverseRoot(Eigenbasis left, Eigenbasis right, double p, double eps,
                                                 float[] g, float[] out, float[] scratch, MatMul matMul) {
        int rows = left.n;
        int cols = right.n;
        int size = rows * cols;
        if (g.length < size || out.length < size || scratch.length < size) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " gradient needs arrays of " + size
                    + " elements, got g " + g.length + ", out " + out.length + ", scratch " + scratch.length);
        }
        if (scratch == g || scratch == out) {
            throw new IllegalArgumentException("scratch must not be the same array as g or out");
        }
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new IllegalArgumentException("exponent p must be finite and > 0, got " + p);
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("damping eps must be finite and >= 0, got " + eps);
        }
        // scratch = U_L^T G; out = scratch U_R (U_L^T is the stored array, U_R its transpose).
        matMul.gemm(false, false, rows, cols, rows, 1f, left.vectors, 0, rows, g, 0, cols, 0f, scratch, 0, cols);
        matMul.gemm(false, true, rows, cols, cols, 1f, scratch, 0, cols, right.vectors, 0, cols, 0f, out, 0, cols);
        for (int i = 0; i < rows; i++) {
            double li = Math.max(left.values[i], 0);
            for (int j = 0; j < cols; j++) {
                double damped = li * Math.max(right.values[j], 0) + eps;
                if (damped == 0) {
                    throw new ArithmeticException("damped eigenvalue product is 0 at (" + i + ", " + j + ") of a "
                            + rows + "x" + cols + " Kronecker factorization with eps = 0; use eps > 0");
                }
                out[i * cols + j] = (float) (out[i * cols + j] * negativePower(damped, p));
            }
        }
        // scratch = U_L out; out = scratch U_R^T.
        matMul.gemm(true, false, rows, cols, rows, 1f, left.vectors, 0, rows, out, 0, cols, 0f, scratch, 0, cols);
        matMul.gemm(false, false, rows, cols, cols, 1f, scratch, 0, cols, right.vectors, 0, cols, 0f, out, 0, cols);
    }

    /** {@code x^-p}; the two exponents the optimizers use avoid {@code Math.pow}, which runs once per weight. */
    private static double negativePower(double x, double p) {
        if (p == 0.5) {
            return 1 / Math.sqrt(x);
        }
        if (p == 1) {
            return 1 / x;
        }
        return Math.pow(x, -p);
    }
}
