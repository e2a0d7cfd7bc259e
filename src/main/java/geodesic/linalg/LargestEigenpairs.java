package geodesic.linalg;

import java.util.Arrays;

/**
 * The {@code k} largest eigenpairs of a symmetric {@code n x n} matrix, in float64, with the matrix's trace, from
 * which the mean of the {@code n - k} eigenvalues not computed follows.
 *
 * <p><b>Layout.</b> As {@link SymmetricEigen}: eigenvalues ascending, eigenvector {@code i} (paired with
 * {@code value(i)}) is row {@code i} of the {@code k x n} row-major vector array. Immutable and thread-safe;
 * accessors that return arrays return copies.
 */
public final class LargestEigenpairs {
    private final int n;
    private final int k;
    private final double[] values;
    private final double[] vectors;
    private final double trace;

    private LargestEigenpairs(int n, int k, double[] values, double[] vectors, double trace) {
        this.n = n;
        this.k = k;
        this.values = values;
        this.vectors = vectors;
        this.trace = trace;
    }

    /**
     * Wraps (does not copy) {@code k} ascending eigenvalues, their {@code k x n} eigenvectors and the trace.
     *
     * @throws IllegalArgumentException if the lengths do not match or {@code k} is not in {@code [1, n]}
     */
    public static LargestEigenpairs of(int n, double[] values, double[] vectors, double trace) {
        int k = values.length;
        if (n < 1 || k < 1 || k > n || vectors.length != (long) k * n) {
            throw new IllegalArgumentException(k + " eigenpairs of a " + n + "x" + n + " matrix need 1 <= k <= n and "
                    + (long) k * n + " vector elements, got " + vectors.length);
        }
        return new LargestEigenpairs(n, k, values, vectors, trace);
    }

    /** The last {@code k} eigenpairs of a full decomposition, with the sum of all its eigenvalues as the trace. */
    public static LargestEigenpairs largestOf(SymmetricEigen e, int k) {
        int n = e.n();
        SymmetricEigensolver.checkRank(n, k);
        double trace = 0;
        for (int j = 0; j < n; j++) {
            trace += e.value(j);
        }
        double[] all = e.vectors();
        return new LargestEigenpairs(n, k, Arrays.copyOfRange(e.values(), n - k, n),
                Arrays.copyOfRange(all, (n - k) * n, n * n), trace);
    }

    /** The matrix size {@code n}. */
    public int n() {
        return n;
    }

    /** The number of eigenpairs {@code k}. */
    public int k() {
        return k;
    }

    /** Eigenvalue {@code i} ({@code 0 <= i < k}, ascending; {@code k - 1} is the largest). */
    public double value(int i) {
        return values[i];
    }

    /** Component {@code x} of eigenvector {@code i}. */
    public double vectorComponent(int i, int x) {
        return vectors[i * n + x];
    }

    /** The trace of the decomposed matrix: the sum of all {@code n} eigenvalues. */
    public double trace() {
        return trace;
    }

    /**
     * The mean of the {@code n - k} eigenvalues not computed, {@code (trace - sum of the k) / (n - k)}, clamped at 0
     * (they belong to a positive semi-definite matrix in the uses here); 0 when {@code k == n}.
     */
    public double remainingMean() {
        if (k == n) {
            return 0;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return Math.max(0, (trace - sum) / (n - k));
    }
}
