package geodesic.bench;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.Parallelism;
import geodesic.kernel.SymmetricRankUpdate;
import geodesic.linalg.OpenBlas;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Kronecker factor EMA update {@code C <- (1-gamma) C + (gamma/N) X^T X} with the Vector API kernel against
 * OpenBLAS {@code cblas_ssyrk}, for the A factors of the reference CNN and MLP at batch 128 (inputs with the
 * bias column appended; conv: one im2col row per output position). Shapes are {@code rows x n}. Both sides write
 * the lower triangle only ({@link SymmetricRankUpdate#updateLower}, {@code ssyrk} with {@code uplo = L}), which is
 * what the Kronecker factors use; mirroring happens only when a factor is read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS, "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SymmetricRankUpdateBenchmark {

    @Param({"conv1.A:100352x26", "conv2.A:25088x801", "fc1.A:128x3137", "fc2.A:128x257", "mlp1.A:128x785",
            "sq:1024x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "openblas"})
    public String impl;

    private int rows;
    private int n;
    private float[] x;
    private float[] c;
    private Parallelism parallelism;
    private SymmetricRankUpdate update;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.substring(shape.indexOf(':') + 1).split("x");
        rows = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        x = GemmShape.random(rows * n, 3);
        c = new float[n * n];
        parallelism = Parallelism.of(threads);
        update = KernelProvider.get().symmetricRankUpdate(parallelism);
        if (impl.equals("openblas")) {
            if (!OpenBlas.isAvailable()) {
                throw new IllegalStateException("OpenBLAS unavailable: " + OpenBlas.unavailableReason());
            }
            OpenBlas.setThreads(threads);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallelism.close();
        if (impl.equals("openblas")) {
            OpenBlas.setThreads(1);
        }
    }

    /** FLOPs of one update counting one triangle, as BLAS conventions do for syrk. */
    public double flops() {
        return (double) rows * n * (n + 1);
    }

    @Benchmark
    public float[] update() {
        float gamma = 0.05f;
        if (impl.equals("vector")) {
            update.updateLower(n, rows, gamma / rows, x, 0, n, 1 - gamma, c, 0, n);
        } else {
            OpenBlas.ssyrk(n, rows, gamma / rows, x, 0, n, 1 - gamma, c, 0, n);
        }
        return c;
    }
}
