package geodesic.bench;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
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
 * Vector API SGEMM against OpenBLAS {@code cblas_sgemm} (through FFM) on the same row-major operands, for the
 * shapes in {@link GemmShape} and 1 or 2 threads ({@code Parallelism} for ours, {@code openblas_set_num_threads}
 * for OpenBLAS). {@code bin/geodesic-jmh --table GemmBenchmark} prints GFLOP/s of both and their ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS, "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {

    @Param({"sq128", "sq256", "sq512", "sq1024", "conv1.fwd", "conv1.dW", "conv2.fwd", "conv2.dW", "conv2.dX",
            "conv1.img.fwd", "conv1.img.dW", "conv2.img.fwd", "conv2.img.dW", "conv2.img.dX", "fc1.fwd", "fc1.dX",
            "fc1.dW", "fc2.fwd", "fc2.dX", "fc2.dW", "mlp1.fwd", "mlp1.dW", "mlp2.fwd",
            "mlp2.dX", "mlp2.dW"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "openblas"})
    public String impl;

    private GemmShape s;
    private float[] a;
    private float[] b;
    private float[] c;
    private Parallelism parallelism;
    private MatMul matMul;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.of(shape);
        a = GemmShape.random(s.m() * s.k(), 1);
        b = GemmShape.random(s.k() * s.n(), 2);
        c = new float[s.m() * s.n()];
        parallelism = Parallelism.of(threads);
        matMul = KernelProvider.get().matMul(parallelism);
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

    @Benchmark
    public float[] gemm() {
        if (impl.equals("vector")) {
            matMul.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n());
        } else {
            OpenBlas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n());
        }
        return c;
    }
}
