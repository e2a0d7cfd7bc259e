package geodesic.optim;

import geodesic.linalg.Eigenbasis;
import geodesic.linalg.SymmetricEigen;

/**
 * One Kronecker factor's inverse square root in the form its {@link Damping.Form} applies: for
 * {@link Damping.Form#FACTORED} the damped root {@code (M + eps I)^-1/2} as a row-major {@code n x n} float32 matrix
 * ({@code basis == null}); for {@link Damping.Form#EIGENBASIS} the eigenbasis, damped at apply time
 * ({@code root == null}). Immutable once built; the arrays are not copied and never written.
 *
 * @param n              the factor size
 * @param root           the damped inverse square root, or null
 * @param basis          the eigenbasis, or null
 * @param meanEigenvalue mean of the factor's eigenvalues clamped at 0, for relative damping
 */
record FactorRoot(int n, float[] root, Eigenbasis basis, double meanEigenvalue) {

    /**
     * Builds the form {@code damping} needs from a decomposition, with the eigenvalues first raised by
     * {@code shrinkage} times their mean; runs the {@code O(n^3)} root product if any.
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
            return new FactorRoot(n, e.inverseRoot(0.5, damping.factorEpsilon(mean) + shift), null, mean);
        }
        if (shift == 0) {
            return new FactorRoot(n, null, e.toEigenbasis(), mean);
        }
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = Math.max(e.value(j), 0) + shift;
        }
        return new FactorRoot(n, null, SymmetricEigen.of(n, values, e.vectors()).toEigenbasis(), mean);
    }
}
