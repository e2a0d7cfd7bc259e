package geodesic.linalg.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcall handles into an OpenBLAS build that includes LAPACKE (32-bit integers, as in
 * {@code org.bytedeco:openblas}). No logic lives here: {@code geodesic.linalg.OpenBlas} is the only caller, and it
 * checks arguments, runs workspace queries and maps {@code info} codes.
 *
 * <p><b>Critical calls.</b> {@link #cblasSgemm} and {@link #cblasSsyrk} are linked with
 * {@link Linker.Option#critical(boolean) critical(true)}, so heap {@code float[]} segments pass without a copy. The
 * calling thread does not reach a safepoint while such a call runs, which stalls garbage collection in other
 * threads for the duration of the call; they are therefore used as references and benchmarks, not in training.
 * The LAPACKE handles and {@link #cblasDsyrk} take native segments only and are linked normally, because an
 * eigendecomposition of a factor can run for seconds.
 *
 * <p>Signatures follow {@code cblas.h} and {@code lapacke.h}; C {@code char} arguments are {@code byte}s and C
 * enums {@code int}s (the codes of {@link Layout}, {@link Transpose}, {@link Uplo}, {@link EigenJob},
 * {@link EigenRange}).
 */
public final class OpenBlasBindings {
    /** {@code void openblas_set_num_threads(int)}. */
    public final MethodHandle openblasSetNumThreads;
    /** {@code int openblas_get_num_threads(void)}. */
    public final MethodHandle openblasGetNumThreads;
    /** {@code char* openblas_get_config(void)}, a static string. */
    public final MethodHandle openblasGetConfig;
    /** {@code char* openblas_get_corename(void)}, a static string. */
    public final MethodHandle openblasGetCorename;
    /** {@code cblas_sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)}; critical. */
    public final MethodHandle cblasSgemm;
    /** {@code cblas_ssyrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)}; critical. */
    public final MethodHandle cblasSsyrk;
    /** {@code cblas_dsyrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)}; native segments only. */
    public final MethodHandle cblasDsyrk;
    /** {@code int LAPACKE_dsyevd_work(layout, jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork)}. */
    public final MethodHandle lapackeDsyevdWork;
    /**
     * {@code int LAPACKE_dsyevr_work(layout, jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz,
     * isuppz, work, lwork, iwork, liwork)}.
     */
    public final MethodHandle lapackeDsyevrWork;

    /**
     * Looks up every symbol in {@code library}.
     *
     * @throws IllegalArgumentException naming the first symbol the library lacks (e.g. an OpenBLAS built without
     *                                  LAPACKE)
     */
    @SuppressWarnings("restricted") // Linking native code is this class's purpose; --enable-native-access gates it.
    public OpenBlasBindings(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        openblasSetNumThreads = linker.downcallHandle(find(library, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        openblasGetNumThreads = linker.downcallHandle(find(library, "openblas_get_num_threads"),
                FunctionDescriptor.of(JAVA_INT));
        openblasGetConfig = linker.downcallHandle(find(library, "openblas_get_config"),
                FunctionDescriptor.of(ADDRESS));
        openblasGetCorename = linker.downcallHandle(find(library, "openblas_get_corename"),
                FunctionDescriptor.of(ADDRESS));
        cblasSgemm = linker.downcallHandle(find(library, "cblas_sgemm"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                critical);
        cblasSsyrk = linker.downcallHandle(find(library, "cblas_ssyrk"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                critical);
        cblasDsyrk = linker.downcallHandle(find(library, "cblas_dsyrk"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_DOUBLE, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT));
        lapackeDsyevdWork = linker.downcallHandle(find(library, "LAPACKE_dsyevd_work"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_INT, ADDRESS, JAVA_INT,
                        ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        lapackeDsyevrWork = linker.downcallHandle(find(library, "LAPACKE_dsyevr_work"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_BYTE, JAVA_INT, ADDRESS,
                        JAVA_INT, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_INT, JAVA_INT, JAVA_DOUBLE, ADDRESS, ADDRESS,
                        ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup library, String symbol) {
        return library.find(symbol).orElseThrow(() -> new IllegalArgumentException(
                "native library has no symbol " + symbol));
    }
}
