package geodesic.linalg;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native eigensolver: LAPACK {@code dsyevd} or {@code dsyevr} of OpenBLAS, float64, single-threaded on the calling
 * thread.
 *
 * <p>The symmetrized input is copied into native memory (a copy is needed anyway, LAPACK overwrites it) and handed
 * over column-major; since the matrix is symmetric that is the same array as row-major, and the column-major
 * eigenvector matrix LAPACK returns is, read row-major, exactly {@link SymmetricEigen}'s layout. Thread-safe;
 * native memory is per call.
 */
final class LapackEigensolver implements SymmetricEigensolver {
    private final LapackDriver driver;

    LapackEigensolver(LapackDriver driver) {
        this.driver = driver;
    }

    @Override
    public SymmetricEigen decompose(double[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    @Override
    public SymmetricEigen decompose(float[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    @Override
    public String name() {
        return driver.solverName();
    }

    /**
     * For {@link LapackDriver#DSYEVD}, {@code dsyevr} restricted to the index range {@code n-k+1 .. n} (dsyevd has no
     * partial mode); for {@link LapackDriver#DSYEVR}, the full decomposition truncated, so that a robust chain's
     * fallback takes another path than its first attempt.
     */
    @Override
    public LargestEigenpairs decomposeLargest(double[] a, int n, int k) {
        SymmetricEigensolver.checkRank(n, k);
        double[] s = SymmetricInput.symmetrizedCopy(a, n);
        if (driver == LapackDriver.DSYEVR || k == n) {
            return LargestEigenpairs.largestOf(decomposeSymmetric(s, n), k);
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += s[i * n + i];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment matrix = arena.allocate(JAVA_DOUBLE, (long) n * n);
            MemorySegment.copy(s, 0, matrix, JAVA_DOUBLE, 0, n * n);
            MemorySegment w = arena.allocate(JAVA_DOUBLE, n);
            MemorySegment z = arena.allocate(JAVA_DOUBLE, (long) n * k);
            OpenBlas.dsyevrLargest(n, k, matrix, w, z);
            double[] values = new double[k];
            double[] vectors = new double[k * n];
            MemorySegment.copy(w, JAVA_DOUBLE, 0, values, 0, k);
            MemorySegment.copy(z, JAVA_DOUBLE, 0, vectors, 0, k * n);
            return LargestEigenpairs.of(n, values, vectors, trace);
        }
    }

    private SymmetricEigen decomposeSymmetric(double[] s, int n) {
        int elements = n * n;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment matrix = arena.allocate(JAVA_DOUBLE, elements);
            MemorySegment.copy(s, 0, matrix, JAVA_DOUBLE, 0, elements);
            MemorySegment w = arena.allocate(JAVA_DOUBLE, n);
            MemorySegment vectorsOut = switch (driver) {
                case DSYEVD -> {
                    OpenBlas.dsyevd(n, matrix, w);
                    yield matrix;
                }
                case DSYEVR -> {
                    MemorySegment z = arena.allocate(JAVA_DOUBLE, elements);
                    OpenBlas.dsyevr(n, matrix, w, z);
                    yield z;
                }
            };
            double[] values = new double[n];
            double[] vectors = new double[elements];
            MemorySegment.copy(w, JAVA_DOUBLE, 0, values, 0, n);
            MemorySegment.copy(vectorsOut, JAVA_DOUBLE, 0, vectors, 0, elements);
            return SymmetricEigen.of(n, values, vectors);
        }
    }
}
