package geodesic.linalg;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The eigendecomposition {@code A = U diag(lambda) U^T} of a symmetric {@code n x n} matrix, in float64, and the
 * matrix functions the optimizers build from it.
 *
 * <p><b>Layout.</b> Eigenvalues are in ascending order. Eigenvectors are stored row-major as {@code U^T}: row
 * {@code j} of the {@code n x n} array is eigenvector {@code j} (unit length, paired with {@code value(j)}), so
 * component {@code i} of eigenvector {@code j} is {@code vectors[j * n + i]}. This is LAPACK's column-major
 * {@code U} read row-major, and keeps each eigenvector contiguous.
 *
 * <p><b>Immutability.</b> Instances are immutable and thread-safe; accessors that return arrays return copies.
 *
 * <p><b>Damping.</b> The matrix functions clamp eigenvalues to {@code max(lambda, 0)} before adding {@code eps}:
 * factors that are positive semi-definite in exact arithmetic come out of the solver with eigenvalues slightly
 * below zero, and a negative value would make {@code (lambda + eps)^-p} undefined or huge.
 */
public final class SymmetricEigen {
    /** Below this size the native product costs more in call overhead than it saves. */
    private static final int NATIVE_PRODUCT_MIN_N = 64;
    private static final int ROW_BLOCK = 32;
    private static final int COLUMN_BLOCK = 256;

    private final int n;
    private final double[] values;
    private final double[] vectors;

    private SymmetricEigen(int n, double[] values, double[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Wraps (does not copy) a decomposition: {@code values} ({@code n}, ascending) and {@code vectors}
     * ({@code n x n}, row {@code j} = eigenvector {@code j}). The caller must not modify the arrays afterwards.
     *
     * @throws IllegalArgumentException if the lengths do not match {@code n}
     */
    public static SymmetricEigen of(int n, double[] values, double[] vectors) {
        if (n < 1 || values.length != n || vectors.length != (long) n * n) {
            throw new IllegalArgumentException("eigen decomposition of size " + n + " needs " + n + " values and "
                    + (long) n * n + " vector elements, got " + values.length + " and " + vectors.length);
        }
        return new SymmetricEigen(n, values, vectors);
    }

    /** The matrix size {@code n}. */
    public int n() {
        return n;
    }

    /** Eigenvalue {@code j} ({@code 0 <= j < n}, ascending). */
    public double value(int j) {
        return values[j];
    }

    /** A copy of the {@code n} eigenvalues, ascending. */
    public double[] values() {
        return values.clone();
    }

    /** Component {@code i} of eigenvector {@code j}. */
    public double vectorComponent(int j, int i) {
        return vectors[j * n + i];
    }

    /** A copy of eigenvector {@code j} ({@code n} elements). */
    public double[] vector(int j) {
        return Arrays.copyOfRange(vectors, j * n, (j + 1) * n);
    }

    /** A copy of all eigenvectors, {@code n x n} row-major, row {@code j} = eigenvector {@code j}. */
    public double[] vectors() {
        return vectors.clone();
    }

    /**
     * The float32 eigenbasis (vectors rounded to float, eigenvalues kept in float64) that preconditioners apply
     * Kronecker-factored damping in; see {@link Eigenbasis#applyKroneckerInverseRoot}.
     */
    public Eigenbasis toEigenbasis() {
        float[] v = new float[vectors.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) vectors[i];
        }
        return new Eigenbasis(n, values.clone(), v);
    }

    /**
     * {@code U diag((max(lambda, 0) + eps)^-p) U^T} as a new row-major {@code n x n} float32 array, computed in
     * float64 and rounded once. {@code p = 1/2} gives TSO-ALRA's {@code (M + eps I)^-1/2}, {@code p = 1} the damped
     * inverse of K-FAC. Same contract as {@link #inverseRootDouble}.
     */
    public float[] inverseRoot(double p, double eps) {
        double[] r = inverseRootDouble(p, eps);
        float[] f = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            f[i] = (float) r[i];
        }
        return f;
    }

    /**
     * {@code U diag((max(lambda, 0) + eps)^-p) U^T} as a new row-major {@code n x n} float64 array, exactly
     * symmetric. Costs about {@code n^3} flops; when the native eigensolver is enabled (see
     * {@link SymmetricEigensolver#active()}) and {@code n >= 64} the product runs in OpenBLAS ({@code dsyrk}),
     * otherwise in Java. Runs on the calling thread.
     *
     * @throws IllegalArgumentException if {@code p} is not a finite positive number or {@code eps} not a finite
     *                                  number {@code >= 0}
     * @throws ArithmeticException      if a damped eigenvalue {@code max(lambda, 0) + eps} is 0 (eps = 0 on a
     *                                  singular matrix) or its power overflows
     */
    public double[] inverseRootDouble(double p, double eps) {
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new IllegalArgumentException("exponent p must be finite and > 0, got " + p);
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("damping eps must be finite and >= 0, got " + eps);
        }
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            double damped = Math.max(values[j], 0) + eps;
            double f = Math.pow(damped, -0.5 * p);
            if (damped == 0 || !Double.isFinite(f * f)) {
                throw new ArithmeticException("(max(lambda, 0) + eps)^-p is not finite for eigenvalue " + j + " = "
                        + values[j] + " of the " + n + "x" + n + " matrix with eps = " + eps + ", p = " + p
                        + "; use a larger eps");
            }
            scale[j] = f;
        }
        double[] r = new double[n * n];
        if (n >= NATIVE_PRODUCT_MIN_N && DefaultEigensolver.nativeEnabled()) {
            scaledGramNative(scale, r);
        } else {
            double[] w = new double[n * n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    w[j * n + i] = scale[j] * vectors[j * n + i];
                }
            }
            gramLowerJava(n, w, r);
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                r[k * n + i] = r[i * n + k];
            }
        }
        return r;
    }

    /** Lower triangle of {@code W^T W}, {@code W = diag(scale) U^T}, through {@code cblas_dsyrk}. */
    private void scaledGramNative(double[] scale, double[] r) {
        long elements = (long) n * n;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(JAVA_DOUBLE, elements);
            MemorySegment c = arena.allocate(JAVA_DOUBLE, elements);
            for (int j = 0; j < n; j++) {
                long row = (long) j * n;
                for (int i = 0; i < n; i++) {
                    w.setAtIndex(JAVA_DOUBLE, row + i, scale[j] * vectors[j * n + i]);
                }
            }
            OpenBlas.dsyrkLower(n, w, c);
            MemorySegment.copy(c, JAVA_DOUBLE, 0, r, 0, n * n);
        }
    }

    /**
     * Lower triangle of {@code W^T W} for a row-major {@code n x n} W, into {@code r}. Blocked so that a
     * {@code ROW_BLOCK x COLUMN_BLOCK} tile of R stays in cache while all rows of W stream past it; the inner loop is a
     * unit-stride update the JIT vectorizes.
     */
    static void gramLowerJava(int n, double[] w, double[] r) {
        for (int i0 = 0; i0 < n; i0 += ROW_BLOCK) {
            int i1 = Math.min(n, i0 + ROW_BLOCK);
            for (int k0 = 0; k0 < i1; k0 += COLUMN_BLOCK) {
                int k1 = Math.min(i1, k0 + COLUMN_BLOCK);
                for (int j = 0; j < n; j++) {
                    int wj = j * n;
                    for (int i = Math.max(i0, k0); i < i1; i++) {
                        double a = w[wj + i];
                        int ri = i * n;
                        int kEnd = Math.min(k1, i + 1);
                        for (int k = k0; k < kEnd; k++) {
                            r[ri + k] += a * w[wj + k];
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SymmetricEigen[n=" + n + ", lambda in [" + values[0] + ", " + values[n - 1] + "]]";
    }
}
