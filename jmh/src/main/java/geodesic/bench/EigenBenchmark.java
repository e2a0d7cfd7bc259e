package geodesic.bench;

import geodesic.linalg.LapackDriver;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-layer eigendecompositions, one thread: LAPACK {@code dsyevd} through FFM against the pure-Java fallback
 * ({@code decompose}), and the full refresh an optimizer runs every {@code T_int} steps, decomposition plus
 * {@code (A + eps I)^-1/2} in float32 ({@code inverseRoot}).
 *
 * <p>The matrix is a damped-looking Kronecker factor: {@code X^T X / m} of a Gaussian {@code m x n} X with
 * {@code m = n / 2 + 1}, so about half the spectrum is zero, as for a factor accumulated from fewer samples than
 * its size. With {@code solver=java} the inverse root's matrix product also runs in Java
 * ({@code -Dgeodesic.eigensolver=java} is set before the library chooses; JMH forks a JVM per parameter set).
 * The Java solver at n = 2048 takes seconds per operation, so iterations hold few operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS, "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EigenBenchmark {
    private static final double EPS = 1e-3;

    @Param({"32", "128", "512", "1024", "2048"})
    int n;

    @Param({"lapack", "java"})
    String solver;

    private double[] matrix;
    private SymmetricEigensolver eigensolver;

    @Setup(Level.Trial)
    public void setUp() {
        if (solver.equals("java")) {
            System.setProperty("geodesic.eigensolver", "java");
        }
        eigensolver = switch (solver) {
            case "lapack" -> SymmetricEigensolver.lapack(LapackDriver.DSYEVD);
            case "java" -> SymmetricEigensolver.pureJava();
            default -> throw new IllegalArgumentException("solver must be lapack or java, got " + solver);
        };
        int rows = n / 2 + 1;
        Random random = new Random(n);
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        matrix = new double[n * n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double xi = x[r * n + i] / rows;
                for (int j = 0; j < n; j++) {
                    matrix[i * n + j] += xi * x[r * n + j];
                }
            }
        }
    }

    @Benchmark
    public SymmetricEigen decompose() {
        return eigensolver.decompose(matrix, n);
    }

    @Benchmark
    public float[] inverseRoot() {
        return eigensolver.decompose(matrix, n).inverseRoot(0.5, EPS);
    }
}
