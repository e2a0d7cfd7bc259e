package geodesic.linalg;

import java.util.List;

/**
 * Computes all eigenvalues and eigenvectors of a real symmetric matrix in float64.
 *
 * <p><b>Input.</b> {@code a} is a row-major {@code n x n} array; it is read, never modified. Implementations
 * decompose {@code (A + A^T) / 2}, so rounding-level asymmetry of factors accumulated in float32 is harmless.
 *
 * <p><b>Output.</b> A new {@link SymmetricEigen}: ascending eigenvalues, orthonormal eigenvectors stored as rows.
 *
 * <p><b>Threading.</b> Implementations are thread-safe; concurrent calls run concurrently, each on its calling
 * thread (native calls use one OpenBLAS thread). {@link EigenPool} runs several decompositions at once.
 *
 * <p><b>Failures.</b> Every {@code decompose} throws
 * <ul>
 *   <li>{@link IllegalArgumentException} if {@code n < 1}, {@code a.length != n * n}, or A is not symmetric within
 *       a relative {@code 1e-5} of {@code max |a|} (the message names the size and the offending pair);</li>
 *   <li>{@link ArithmeticException} if A has a NaN or infinite element (the message names the size and the
 *       element) or the algorithm fails to converge.</li>
 * </ul>
 */
public interface SymmetricEigensolver {

    /** Decomposes the symmetric row-major {@code n x n} matrix {@code a}; see the interface contract. */
    SymmetricEigen decompose(double[] a, int n);

    /** Decomposes the symmetric row-major {@code n x n} float32 matrix {@code a}, widened to float64. */
    SymmetricEigen decompose(float[] a, int n);

    /** Short name for logs and {@code geodesic info}, e.g. {@code "lapack-dsyevd"}. */
    String name();

    /**
     * The {@code k} largest eigenpairs of the symmetric row-major {@code n x n} matrix {@code a} and its trace. This
     * default decomposes fully and keeps the last {@code k}; the LAPACK solver computes only those {@code k}
     * ({@code dsyevr} with an index range), which is several times cheaper for {@code k << n}.
     *
     * @throws IllegalArgumentException as {@link #decompose(double[], int)}, or if {@code k} is not in
     *                                  {@code [1, n]}
     * @throws ArithmeticException      as {@link #decompose(double[], int)}
     */
    default LargestEigenpairs decomposeLargest(double[] a, int n, int k) {
        checkRank(n, k);
        return LargestEigenpairs.largestOf(decompose(a, n), k);
    }

    /** The float32 variant of {@link #decomposeLargest(double[], int, int)}, widened to float64. */
    default LargestEigenpairs decomposeLargest(float[] a, int n, int k) {
        checkRank(n, k);
        return decomposeLargest(SymmetricInput.symmetrizedCopy(a, n), n, k);
    }

    /**
     * Checks that {@code k} eigenpairs can be taken from an {@code n x n} matrix.
     *
     * @throws IllegalArgumentException if {@code k} is not in {@code [1, n]}
     */
    static void checkRank(int n, int k) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("cannot take the " + k + " largest eigenpairs of a " + n + "x" + n
                    + " matrix: need 1 <= k <= n");
        }
    }

    /**
     * The solver Geodesic uses, chosen once per JVM and logged in one line: if OpenBLAS loads, the robust chain
     * {@code lapack-dsyevd -> lapack-dsyevr -> java-householder-ql}; otherwise the pure-Java solver (wrapped in the
     * same result checks), with a warning naming the reason. {@code -Dgeodesic.eigensolver=java} forces the
     * pure-Java solver; {@code auto} (the default) chooses as described.
     *
     * @throws IllegalArgumentException if {@code geodesic.eigensolver} has another value
     */
    static SymmetricEigensolver active() {
        return DefaultEigensolver.get();
    }

    /** The pure-Java solver (Householder tridiagonalization + implicit QL), always available. */
    static SymmetricEigensolver pureJava() {
        return JavaEigensolver.INSTANCE;
    }

    /**
     * A native solver calling {@code driver} directly, without result checks or fallback.
     *
     * @throws IllegalStateException if OpenBLAS is not available ({@link OpenBlas#unavailableReason()})
     */
    static SymmetricEigensolver lapack(LapackDriver driver) {
        if (!OpenBlas.isAvailable()) {
            throw new IllegalStateException("OpenBLAS is not available: " + OpenBlas.unavailableReason().orElse(""));
        }
        return new LapackEigensolver(driver);
    }

    /**
     * A solver that validates the input once, then tries {@code stages} in order and returns the first result that
     * passes cheap consistency checks (finite, ascending, unit and mutually orthogonal neighbouring eigenvectors,
     * trace and Frobenius norm preserved, small residuals of a few eigenpairs). A stage that throws or fails the
     * checks is logged (WARNING the first time per stage, FINE afterwards) and the next one is tried. Invalid input
     * is rejected before any stage runs and is never retried.
     *
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    static SymmetricEigensolver robust(List<SymmetricEigensolver> stages) {
        return new RobustEigensolver(stages);
    }
}
