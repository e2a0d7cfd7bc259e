package geodesic.bench;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.MaxPool2dKernel;
import geodesic.kernel.Parallelism;
import geodesic.kernel.Pool2dGeometry;
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
 * Max-pool forward on the reference CNN's two pooling layers at batch 128, one thread: the 2 x 2 vector rows
 * ({@code impl=vector}) against the branch-free element loop the plain-Java kernels use ({@code impl=scalar}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MaxPoolBenchmark {

    @Param({"pool1", "pool2"})
    public String layer;

    @Param({"vector", "scalar"})
    public String impl;

    private static final int BATCH = 128;
    private MaxPool2dKernel kernel;
    private float[] x;
    private float[] y;
    private int[] argmax;

    @Setup(Level.Trial)
    public void setUp() {
        Pool2dGeometry g = layer.equals("pool1") ? new Pool2dGeometry(32, 28, 28, 2, 2)
                : new Pool2dGeometry(64, 14, 14, 2, 2);
        KernelProvider provider = impl.equals("vector") ? KernelProvider.get() : KernelProvider.scalar();
        kernel = new MaxPool2dKernel(g, Parallelism.sequential(), provider);
        x = GemmShape.random(BATCH * g.inputSize(), 5);
        y = new float[BATCH * g.outputSize()];
        argmax = new int[y.length];
    }

    @Benchmark
    public int[] forward() {
        kernel.forward(BATCH, x, y, argmax);
        return argmax;
    }
}
