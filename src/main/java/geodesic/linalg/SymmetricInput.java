package geodesic.linalg;

/**
 * Validation shared by every eigensolver entry point: shape, finiteness and symmetry, and the symmetrized float64
 * copy the algorithms then work on.
 */
final class SymmetricInput {
    /**
     * Largest accepted {@code |a[i][j] - a[j][i]|}, relative to {@code max |a|}: loose enough for factors accumulated
     * in float32 in different orders, tight enough to reject a non-symmetric matrix passed by mistake.
     */
    static final double SYMMETRY_TOLERANCE = 1e-5;

    private SymmetricInput() {
    }

    /** Checks that {@code length} holds an {@code n x n} matrix. */
    static void checkShape(int length, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("matrix size n must be >= 1, got " + n);
        }
        if ((long) n * n != length) {
            throw new IllegalArgumentException("an " + n + "x" + n + " matrix needs " + (long) n * n
                    + " elements, the array has " + length);
        }
    }

    /**
     * {@code (A + A^T) / 2} of the row-major {@code n x n} matrix {@code a}, as a new array.
     *
     * @throws IllegalArgumentException if the shape is wrong or A is not symmetric within
     *                                  {@link #SYMMETRY_TOLERANCE}
     * @throws ArithmeticException      if A has a NaN or infinite element
     */
    static double[] symmetrizedCopy(double[] a, int n) {
        checkShape(a.length, n);
        double[] s = new double[a.length];
        double maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            double v = a[i];
            if (!Double.isFinite(v)) {
                throw notFinite(n, i, v);
            }
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double limit = SYMMETRY_TOLERANCE * maxAbs;
        for (int i = 0; i < n; i++) {
            s[i * n + i] = a[i * n + i];
            for (int j = 0; j < i; j++) {
                double lower = a[i * n + j];
                double upper = a[j * n + i];
                if (Math.abs(lower - upper) > limit) {
                    throw notSymmetric(n, i, j, lower, upper, limit);
                }
                double mean = 0.5 * (lower + upper);
                s[i * n + j] = mean;
                s[j * n + i] = mean;
            }
        }
        return s;
    }

    /** The float32 variant of {@link #symmetrizedCopy(double[], int)}, widened to float64. */
    static double[] symmetrizedCopy(float[] a, int n) {
        checkShape(a.length, n);
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return symmetrizedCopy(d, n);
    }

    private static ArithmeticException notFinite(int n, int index, double v) {
        return new ArithmeticException("the " + n + "x" + n + " matrix is not finite: a[" + index / n + "]["
                + index % n + "] = " + v);
    }

    private static IllegalArgumentException notSymmetric(int n, int i, int j, double lower, double upper,
                                                         double limit) {
        return new IllegalArgumentException("the " + n + "x" + n + " matrix is not symmetric: a[" + i + "][" + j
                + "] = " + lower + " but a[" + j + "][" + i + "] = " + upper + " (difference above " + limit
                + " = " + SYMMETRY_TOLERANCE + " * max|a|)");
    }
}
