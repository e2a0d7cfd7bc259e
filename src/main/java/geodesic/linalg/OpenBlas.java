package geodesic.linalg;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import geodesic.linalg.ffm.EigenJob;
import geodesic.linalg.ffm.EigenRange;
import geodesic.linalg.ffm.Layout;
import geodesic.linalg.ffm.OpenBlasBindings;
import geodesic.linalg.ffm.Transpose;
import geodesic.linalg.ffm.Uplo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * OpenBLAS (CBLAS + LAPACKE) through the Foreign Function &amp; Memory API: the reference BLAS for Geodesic's own
 * kernels and the native engine of the LAPACK eigensolvers. This is the only class that calls
 * {@link OpenBlasBindings}.
 *
 * <dl>
 * <dt>Loading</dt>
 * <dd>The library is loaded on first use, once per JVM, from the {@code org.bytedeco:openblas} natives on the class
 * path or from {@code -Dgeodesic.openblas.path=/path/to/libopenblas.so}; JavaCPP's loader is not used. OpenBLAS is
 * then set to one thread, so every call runs on the calling thread only: Geodesic parallelizes across factors
 * instead, because OpenBLAS's own threads collapse when the other cores are busy. If loading fails,
 * {@link #isAvailable()} is false, {@link #unavailableReason()} says why, and the other methods throw
 * {@link IllegalStateException}.</dd>
 * <dt>Threading</dt>
 * <dd>All methods are thread-safe; concurrent calls run concurrently.</dd>
 * <dt>Memory</dt>
 * <dd>{@link #sgemm} and {@link #ssyrk} pass the heap arrays to OpenBLAS without copying (critical downcalls), so
 * the calling thread holds off garbage collection for the duration of the call. They serve as references and in
 * benchmarks. The package's LAPACK calls work on native memory and do not block the collector.</dd>
 * <dt>Failures</dt>
 * <dd>Shapes that do not fit the arrays throw {@link IllegalArgumentException} before any native call, since
 * OpenBLAS would read or write out of bounds. A LAPACK {@code info < 0} becomes {@link IllegalArgumentException},
 * {@code info > 0} (no convergence) {@link ArithmeticException}; both name the routine and the matrix size.</dd>
 * </dl>
 */
public final class OpenBlas {
    private OpenBlas() {
    }

    private static final class Holder {
        static final OpenBlasBindings BINDINGS;
        static final String FAILURE;

        static {
            OpenBlasBindings bindings = null;
            String failure = null;
            try {
                bindings = new OpenBlasBindings(OpenBlasLoader.load());
                bindings.openblasSetNumThreads.invokeExact(1);
            } catch (Throwable t) {
                bindings = null;
                failure = t.getMessage() == null ? t.toString() : t.getMessage();
            }
            BINDINGS = bindings;
            FAILURE = failure;
        }
    }

    /** Whether OpenBLAS loaded (the first call triggers the load). */
    public static boolean isAvailable() {
        return Holder.BINDINGS != null;
    }

    /** Why OpenBLAS could not be loaded, naming the override property; empty when it is available. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(Holder.FAILURE);
    }

    /**
     * The build configuration string ({@code openblas_get_config}), e.g. {@code "OpenBLAS 0.3.31 DYNAMIC_ARCH ..."}.
     *
     * @throws IllegalStateException if OpenBLAS is not available
     */
    public static String config() {
        try {
            return cString((MemorySegment) bindings().openblasGetConfig.invokeExact());
        } catch (Throwable t) {
            throw rethrow("openblas_get_config", t);
        }
    }

    /**
     * The CPU kernel set OpenBLAS chose at load ({@code openblas_get_corename}), e.g. {@code "Haswell"}.
     *
     * @throws IllegalStateException if OpenBLAS is not available
     */
    public static String coreName() {
        try {
            return cString((MemorySegment) bindings().openblasGetCorename.invokeExact());
        } catch (Throwable t) {
            throw rethrow("openblas_get_corename", t);
        }
    }

    /**
     * OpenBLAS's thread count ({@code openblas_get_num_threads}); 1 after Geodesic's load.
     *
     * @throws IllegalStateException if OpenBLAS is not available
     */
    public static int threads() {
        try {
            return (int) bindings().openblasGetNumThreads.invokeExact();
        } catch (Throwable t) {
            throw rethrow("openblas_get_num_threads", t);
        }
    }

    /**
     * Sets OpenBLAS's own thread count ({@code openblas_set_num_threads}). Geodesic keeps it at 1 and parallelises
     * across factors itself, because OpenBLAS's threads collapse when the other core is busy; benchmarks raise it to
     * compare multi-threaded GEMM and must set it back.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException    if OpenBLAS is not available
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("OpenBLAS threads must be >= 1, got " + threads);
        }
        try {
            bindings().openblasSetNumThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw rethrow("openblas_set_num_threads", t);
        }
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with row-major arrays ({@code cblas_sgemm}), the same contract as
     * {@code geodesic.kernel.MatMul#gemm}: {@code op(A)} is {@code m x k} (A stored {@code m x k}, {@code lda >= k},
     * or {@code k x m}, {@code lda >= m}, when {@code transA}), likewise {@code op(B)} {@code k x n}, and C is
     * {@code m x n} with {@code ldc >= n}, element {@code (i, j)} at {@code c[cOff + i * ldc + j]}. C is updated in
     * place and must not overlap A or B. With {@code beta == 0} the old C is ignored, NaN included. Runs on the
     * calling thread.
     *
     * @throws IllegalArgumentException if a dimension is negative, an offset negative, a leading dimension too small
     *                                  or an array too short for its matrix
     * @throws IllegalStateException    if OpenBLAS is not available
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        requireNonNegative("m", m);
        requireNonNegative("n", n);
        requireNonNegative("k", k);
        checkMatrix("A", a.length, aOff, transA ? k : m, transA ? m : k, lda);
        checkMatrix("B", b.length, bOff, transB ? n : k, transB ? k : n, ldb);
        checkMatrix("C", c.length, cOff, m, n, ldc);
        OpenBlasBindings h = bindings();
        if (m == 0 || n == 0) {
            return;
        }
        try {
            h.cblasSgemm.invokeExact(Layout.ROW_MAJOR.code(), Transpose.of(transA).code(),
                    Transpose.of(transB).code(), m, n, k,
                    alpha, slice(a, aOff), lda, slice(b, bOff), ldb, beta, slice(c, cOff), ldc);
        } catch (Throwable t) {
            throw rethrow("cblas_sgemm", t);
        }
    }

    /**
     * Symmetric rank-k update {@code C = beta * C + alpha * X^T X} ({@code cblas_ssyrk}, row-major), where X is
     * {@code rows x n} ({@code ldx >= n}) and C is {@code n x n} ({@code ldc >= n}).
     *
     * <p>Only the <b>lower triangle</b> of C is written: elements {@code (i, j)} with {@code j <= i}, at
     * {@code c[cOff + i * ldc + j]}; the strict upper triangle is left untouched, as by geodesic.kernel's
     * {@code SymmetricRankUpdate.updateLower}. C is updated in place and must not overlap X.
     * Runs on the calling thread.
     *
     * @throws IllegalArgumentException if a dimension or offset is negative, a leading dimension too small or an
     *                                  array too short for its matrix
     * @throws IllegalStateException    if OpenBLAS is not available
     */
    public static void ssyrk(int n, int rows, float alpha, float[] x, int xOff, int ldx,
                             float beta, float[] c, int cOff, int ldc) {
        requireNonNegative("n", n);
        requireNonNegative("rows", rows);
        checkMatrix("X", x.length, xOff, rows, n, ldx);
        checkMatrix("C", c.length, cOff, n, n, ldc);
        OpenBlasBindings h = bindings();
        if (n == 0) {
            return;
        }
        try {
            h.cblasSsyrk.invokeExact(Layout.ROW_MAJOR.code(), Uplo.LOWER.blas(), Transpose.TRANSPOSE.code(),
                    n, rows, alpha, slice(x, xOff), ldx, beta, slice(c, cOff), ldc);
        } catch (Throwable t) {
            throw rethrow("cblas_ssyrk", t);
        }
    }

    /**
     * {@code C = X^T X} into the lower triangle of C ({@code cblas_dsyrk}); X is {@code n x n} and C {@code n x n},
     * both native, row-major and dense. C's upper triangle is not written.
     */
    static void dsyrkLower(int n, MemorySegment x, MemorySegment c) {
        OpenBlasBindings h = bindings();
        try {
            h.cblasDsyrk.invokeExact(Layout.ROW_MAJOR.code(), Uplo.LOWER.blas(), Transpose.TRANSPOSE.code(),
                    n, n, 1.0, x, n, 0.0, c, n);
        } catch (Throwable t) {
            throw rethrow("cblas_dsyrk", t);
        }
    }

    /**
     * All eigenvalues and eigenvectors of the symmetric {@code n x n} matrix in {@code a} by divide and conquer
     * ({@code LAPACKE_dsyevd_work}, jobz = V). Only the lower triangle of the column-major {@code a} is read; it is
     * overwritten by the eigenvectors, column {@code j} (column-major) being eigenvector {@code j}. {@code w}
     * ({@code n} doubles) receives the eigenvalues in ascending order. Workspace: about {@code 2 n^2} doubles of
     * native memory for the duration of the call.
     *
     * @throws IllegalArgumentException if LAPACK reports an illegal argument or the workspace exceeds 32-bit sizes
     * @throws ArithmeticException      if the algorithm fails to converge
     */
    static void dsyevd(int n, MemorySegment a, MemorySegment w) {
        OpenBlasBindings h = bindings();
        String routine = "LAPACKE_dsyevd_work";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment workQuery = arena.allocate(JAVA_DOUBLE);
            MemorySegment iworkQuery = arena.allocate(JAVA_INT);
            int info = (int) h.lapackeDsyevdWork.invokeExact(Layout.COLUMN_MAJOR.code(),
                    EigenJob.VALUES_AND_VECTORS.code(), Uplo.LOWER.lapack(), n, a, n, w, workQuery, -1,
                    iworkQuery, -1);
            checkInfo(routine + " (workspace query)", info, n);
            // LAPACK's documented minimum for jobz = V guards against a query rounded down through its double.
            long minWork = n <= 1 ? 1 : 1 + 6L * n + 2L * n * n;
            long minIwork = n <= 1 ? 1 : 3 + 5L * n;
            int lwork = workspaceSize(routine, Math.max((long) Math.ceil(workQuery.get(JAVA_DOUBLE, 0)), minWork), n);
            int liwork = workspaceSize(routine, Math.max(iworkQuery.get(JAVA_INT, 0), minIwork), n);
            MemorySegment work = arena.allocate(JAVA_DOUBLE, lwork);
            MemorySegment iwork = arena.allocate(JAVA_INT, liwork);
            info = (int) h.lapackeDsyevdWork.invokeExact(Layout.COLUMN_MAJOR.code(),
                    EigenJob.VALUES_AND_VECTORS.code(), Uplo.LOWER.lapack(), n, a, n, w, work, lwork, iwork, liwork);
            checkInfo(routine, info, n);
        } catch (Throwable t) {
            throw rethrow(routine, t);
        }
    }

    /**
     * All eigenvalues and eigenvectors of the symmetric {@code n x n} column-major matrix in {@code a} by relatively
     * robust representations ({@code LAPACKE_dsyevr_work}, jobz = V, range = A). Reads the lower triangle of
     * {@code a} and destroys it; {@code w} ({@code n} doubles) receives the ascending eigenvalues and {@code z}
     * ({@code n x n}, column-major) the eigenvectors, column {@code j} being eigenvector {@code j}.
     *
     * @throws IllegalArgumentException if LAPACK reports an illegal argument
     * @throws ArithmeticException      if LAPACK reports an internal failure or returns fewer than {@code n}
     *                                  eigenvalues
     */
    static void dsyevr(int n, MemorySegment a, MemorySegment w, MemorySegment z) {
        dsyevr("LAPACKE_dsyevr_work", EigenRange.ALL, 0, 0, n, n, a, w, z);
    }

    /**
     * The {@code k} largest eigenvalues and eigenvectors of the symmetric column-major {@code n x n} matrix {@code a}
     * ({@code LAPACKE_dsyevr_work}, jobz = V, range = I, {@code il = n - k + 1}, {@code iu = n}). Reads the lower
     * triangle of {@code a} and destroys it; {@code w} ({@code n} doubles) receives the {@code k} eigenvalues in
     * ascending order first, {@code z} ({@code n x k}, column-major) their eigenvectors.
     *
     * @throws IllegalArgumentException if LAPACK reports an illegal argument
     * @throws ArithmeticException      if LAPACK reports an internal failure or returns other than {@code k}
     *                                  eigenvalues
     */
    static void dsyevrLargest(int n, int k, MemorySegment a, MemorySegment w, MemorySegment z) {
        dsyevr("LAPACKE_dsyevr_work (largest " + k + ")", EigenRange.INDEX, n - k + 1, n, k, n, a, w, z);
    }

    /** {@code dsyevr} over {@code range} (indices {@code il..iu} when INDEX), expecting {@code expected} values. */
    private static void dsyevr(String routine, EigenRange range, int il, int iu, int expected, int n, MemorySegment a,
                               MemorySegment w, MemorySegment z) {
        OpenBlasBindings h = bindings();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment found = arena.allocate(JAVA_INT);
            MemorySegment isuppz = arena.allocate(JAVA_INT, 2L * Math.max(1, expected));
            MemorySegment workQuery = arena.allocate(JAVA_DOUBLE);
            MemorySegment iworkQuery = arena.allocate(JAVA_INT);
            int info = (int) h.lapackeDsyevrWork.invokeExact(Layout.COLUMN_MAJOR.code(),
                    EigenJob.VALUES_AND_VECTORS.code(), range.code(), Uplo.LOWER.lapack(), n, a, n,
                    0.0, 0.0, il, iu, 0.0, found, w, z, n, isuppz, workQuery, -1, iworkQuery, -1);
            checkInfo(routine + " (workspace query)", info, n);
            int lwork = workspaceSize(routine,
                    Math.max((long) Math.ceil(workQuery.get(JAVA_DOUBLE, 0)), 26L * Math.max(1, n)), n);
            int liwork = workspaceSize(routine, Math.max(iworkQuery.get(JAVA_INT, 0), 10L * Math.max(1, n)), n);
            MemorySegment work = arena.allocate(JAVA_DOUBLE, lwork);
            MemorySegment iwork = arena.allocate(JAVA_INT, liwork);
            info = (int) h.lapackeDsyevrWork.invokeExact(Layout.COLUMN_MAJOR.code(),
                    EigenJob.VALUES_AND_VECTORS.code(), range.code(), Uplo.LOWER.lapack(), n, a, n,
                    0.0, 0.0, il, iu, 0.0, found, w, z, n, isuppz, work, lwork, iwork, liwork);
            checkInfo(routine, info, n);
            int m = found.get(JAVA_INT, 0);
            if (m != expected) {
                throw new ArithmeticException(routine + " returned " + m + " of " + expected + " eigenvalues for a "
                        + n + "x" + n + " matrix");
            }
        } catch (Throwable t) {
            throw rethrow(routine, t);
        }
    }

    /** Maps a LAPACK {@code info} code: negative is an illegal argument, positive a numerical failure. */
    static void checkInfo(String routine, int info, int n) {
        if (info < 0) {
            throw new IllegalArgumentException(routine + ": argument " + (-info) + " had an illegal value (matrix "
                    + n + "x" + n + ")");
        }
        if (info > 0) {
            throw new ArithmeticException(routine + " failed to converge on a " + n + "x" + n + " matrix (info = "
                    + info + ")");
        }
    }

    private static int workspaceSize(String routine, long size, int n) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(routine + " needs a workspace of " + size + " elements for a " + n
                    + "x" + n + " matrix, more than 32-bit LAPACK can address");
        }
        return (int) size;
    }

    private static OpenBlasBindings bindings() {
        OpenBlasBindings h = Holder.BINDINGS;
        if (h == null) {
            throw new IllegalStateException("OpenBLAS is not available: " + Holder.FAILURE);
        }
        return h;
    }

    private static MemorySegment slice(float[] array, int offset) {
        return MemorySegment.ofArray(array).asSlice(offset * (long) Float.BYTES);
    }

    /** Reads a NUL-terminated static string returned by OpenBLAS; its length is unknown until the NUL. */
    @SuppressWarnings("restricted")
    private static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return "";
        }
        return pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /** Checks that a {@code rows x cols} row-major matrix with leading dimension {@code ld} fits the array. */
    private static void checkMatrix(String name, int length, int offset, int rows, int cols, int ld) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " is less than its " + cols
                    + " columns (and must be >= 1)");
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + ": offset must be >= 0, got " + offset);
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (offset + needed > length) {
            throw new IllegalArgumentException(name + ": a " + rows + "x" + cols + " matrix with leading dimension "
                    + ld + " at offset " + offset + " needs " + (offset + needed) + " elements, the array has "
                    + length);
        }
    }

    private static RuntimeException rethrow(String routine, Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(routine + " failed: " + t, t);
    }
}
