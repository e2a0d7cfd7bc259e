package geodesic.optim;

import geodesic.kernel.MatMul;
import geodesic.linalg.Eigenbasis;
import geodesic.linalg.LargestEigenpairs;
import geodesic.linalg.SymmetricEigen;

/**
 * One Kronecker factor's inverse square root in the form its {@link Damping} and {@link KroneckerSettings#rootRank()}
 * call for. Exactly one representation is set:
 * <ul>
 *   <li>{@code root}: for {@link Damping.Form#FACTORED}, the damped root {@code R = (M + eps I)^-1/2} as a row-major
 *       {@code n x n} float32 matrix;</li>
 *   <li>{@code top}, {@code topScales}, {@code tailScale}: for the factored form of a factor truncated to rank
 *       {@code k}, {@code R = c I + V^T diag(s) V}, with {@code V} the {@code k x n} row-major matrix of the
 *       {@code k} largest eigenvectors, {@code s_i = (lambda_i + eps)^-1/2 - c} and {@code c = (mean of the other
 *       eigenvalues + eps)^-1/2}. It is exact when the other eigenvalues are equal (a low-rank factor plus a
 *       multiple of the identity) and keeps the trace of the discarded part;</li>
 *   <li>{@code basis}: for {@link Damping.Form#EIGENBASIS}, the eigenbasis, damped at apply time.</li>
 * </ul>
 * Immutable once built; the arrays are not copied and never written.
 *
 * @param n              the factor size
 * @param root           the full damped inverse square root, or null
 * @param top            the kept eigenvectors, {@code k x n} row-major, or null
 * @param topScales      {@code s}, {@code k} values, or null
 * @param scaledTop      {@code diag(s) V}, {@code k x n}, or null: derived from the two above once, so that applying
 *                       the root needs no scaling pass per step
 * @param tailScale      {@code c}, or 0 when {@code top} is null
 * @param basis          the eigenbasis, or null
 * @param meanEigenvalue mean of the factor's eigenvalues clamped at 0, for relative damping
 */
record FactorRoot(int n, float[] root, float[] top, float[] topScales, float[] scaledTop, float tailScale,
                  Eigenbasis basis, double meanEigenvalue) {

    static FactorRoot full(int n, float[] root, double meanEigenvalue) {
        return new FactorRoot(n, root, null, null, null, 0, null, meanEigenvalue);
    }

    static FactorRoot truncated(int n, float[] top, float[] topScales, float tailScale, double meanEigenvalue) {
        int k = topScales.length;
        float[] scaledTop = new float[k * n];
        for (int i = 0; i < k; i++) {
            for (int x = 0; x < n; x++) {
                scaledTop[i * n + x] = topScales[i] * top[i * n + x];
            }
        }
        return new FactorRoot(n, null, top, topScales, scaledTop, tailScale, null, meanEigenvalue);
    }

    static FactorRoot eigenbasis(Eigenbasis basis, double meanEigenvalue) {
        return new FactorRoot(basis.n(), null, null, null, null, 0, basis, meanEigenvalue);
    }

    /**
     * Builds the form {@code damping} needs from a full decomposition, with the eigenvalues first raised by
     * {@code shrinkage} times their mean; runs the {@code O(n^3)} root product of the factored form.
     */
    static FactorRoot of(SymmetricEigen e, Damping damping, double shrinkage) {
        int n = e.n();
        double mean = 0;
        for (int j = 0; j < n; j++) {
            mean += Math.max(e.value(j), 0);
        }
        mean /= n;
        double shift = shrinkage * mean;
        if (damping.form() == Damping.Form.FACTORED) {
            return full(n, e.inverseRoot(0.5, damping.factorEpsilon(mean) + shift), mean);
        }
        if (shift == 0) {
            return eigenbasis(e.toEigenbasis(), mean);
        }
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = Math.max(e.value(j), 0) + shift;
        }
        return eigenbasis(SymmetricEigen.of(n, values, e.vectors()).toEigenbasis(), mean);
    }

    /**
     * The truncated factored form from the {@code k} largest eigenpairs: the mean eigenvalue is the trace over
     * {@code n} (clamped at 0), the discarded eigenvalues are replaced by their mean, and all are raised by
     * {@code shrinkage} times the mean eigenvalue before damping.
     *
     * @throws IllegalArgumentException if {@code damping} is not factored
     */
    static FactorRoot truncated(LargestEigenpairs e, Damping damping, double shrinkage) {
        if (damping.form() != Damping.Form.FACTORED) {
            throw new IllegalArgumentException("truncated roots need factored damping, got " + damping.describe());
        }
        int n = e.n();
        int k = e.k();
        double mean = Math.max(0, e.trace()) / n;
        double eps = damping.factorEpsilon(mean) + shrinkage * mean;
        double c = 1 / Math.sqrt(e.remainingMean() + eps);
        float[] top = new float[k * n];
        float[] scales = new float[k];
        for (int i = 0; i < k; i++) {
            scales[i] = (float) (1 / Math.sqrt(Math.max(e.value(i), 0) + eps) - c);
            for (int x = 0; x < n; x++) {
                top[i * n + x] = (float) e.vectorComponent(i, x);
            }
        }
        return truncated(n, top, scales, (float) c, mean);
    }

    /** The number of kept eigenpairs of the truncated form, else 0. */
    int rank() {
        return topScales == null ? 0 : topScales.length;
    }

    /** Floats of workspace {@link #multiplyLeft} and {@link #multiplyRight} need for {@code other} columns or rows. */
    int workspace(int other) {
        return rank() * other;
    }

    /**
     * {@code out = R g} for the row-major {@code n x cols} matrix {@code g}, with {@code R} in the factored or
     * truncated form; {@code out} must not alias {@code g}.
     */
    void multiplyLeft(MatMul matMul, float[] g, int cols, float[] out, float[] work) {
        if (root != null) {
            matMul.gemm(false, false, n, cols, n, 1f, root, 0, n, g, 0, cols, 0f, out, 0, cols);
            return;
        }
        int k = rank();
        matMul.gemm(false, false, k, cols, n, 1f, top, 0, n, g, 0, cols, 0f, work, 0, cols);
        System.arraycopy(g, 0, out, 0, n * cols);
        matMul.gemm(true, false, n, cols, k, 1f, scaledTop, 0, n, work, 0, cols, tailScale, out, 0, cols);
    }

    /**
     * {@code out = alpha g R} for the row-major {@code rows x n} matrix {@code g}, with {@code R} in the factored or
     * truncated form; {@code out} must not alias {@code g}.
     */
    void multiplyRight(MatMul matMul, float[] g, int rows, float alpha, float[] out, float[] work) {
        if (root != null) {
            matMul.gemm(false, false, rows, n, n, alpha, g, 0, n, root, 0, n, 0f, out, 0, n);
            return;
        }
        int k = rank();
        matMul.gemm(false, true, rows, k, n, 1f, g, 0, n, top, 0, n, 0f, work, 0, k);
        System.arraycopy(g, 0, out, 0, rows * n);
        matMul.gemm(false, false, rows, n, k, alpha, work, 0, k, scaledTop, 0, n, alpha * tailScale, out, 0, n);
    }
}
