package geodesic.bench;

import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Conv2dKernel;
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
 * Convolution forward + backward (weights and data) on the reference CNN's layers at batch 128, three ways:
 * {@code vector}, Geodesic's {@link Conv2dKernel}; {@code openblas}, the same kernel with OpenBLAS doing its GEMMs
 * ({@link OpenBlasMatMul}, single-threaded inside each image's part as ours), which isolates the GEMM; and
 * {@code im2col_sgemm}, the textbook "im2col + OpenBLAS SGEMM" ({@link Im2colSgemmConvolution}: Caffe's layout,
 * image by image, OpenBLAS on all the benchmark's threads). {@code bin/geodesic-jmh --table conv} prints all three
 * and the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS, "-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConvBenchmark {

    @Param({"conv1", "conv2"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "openblas", "im2col_sgemm"})
    public String impl;

    private static final int BATCH = 128;
    private Conv2dKernel kernel;
    private Im2colSgemmConvolution textbook;
    private Parallelism parallelism;
    private float[] x;
    private float[] w;
    private float[] bias;
    private float[] y;
    private float[] dy;
    private float[] dw;
    private float[] dbias;
    private float[] dcols;
    private float[] dx;

    @Setup(Level.Trial)
    public void setUp() {
        Conv2dGeometry g = layer.equals("conv1") ? Conv2dGeometry.of(1, 28, 28, 32, 5, 1, 2)
                : Conv2dGeometry.of(32, 14, 14, 64, 5, 1, 2);
        parallelism = Parallelism.of(threads);
        MatMul mm;
        if (impl.equals("vector")) {
            mm = KernelProvider.get().matMul(parallelism);
        } else {
            if (!OpenBlas.isAvailable()) {
                throw new IllegalStateException("OpenBLAS unavailable: " + OpenBlas.unavailableReason());
            }
            OpenBlas.setThreads(impl.equals("openblas") ? 1 : threads);
            mm = new OpenBlasMatMul();
        }
        kernel = new Conv2dKernel(g, mm, parallelism);
        textbook = impl.equals("im2col_sgemm") ? new Im2colSgemmConvolution(g, BATCH) : null;
        x = GemmShape.random(BATCH * g.inputSize(), 1);
        w = GemmShape.random(g.weightSize(), 2);
        bias = GemmShape.random(g.outChannels(), 3);
        dy = GemmShape.random(BATCH * g.outputSize(), 4);
        dcols = new float[Conv2dKernel.dcolsLength(g, BATCH)];
        y = new float[BATCH * g.outputSize()];
        dx = new float[BATCH * g.inputSize()];
        dw = new float[g.weightSize()];
        dbias = new float[g.outChannels()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallelism.close();
        if (!impl.equals("vector")) {
            OpenBlas.setThreads(1);
        }
    }

    @Benchmark
    public float[] forwardBackward() {
        if (textbook != null) {
            textbook.forward(x, w, bias, y);
            textbook.backwardWeights(x, dy, dw, dbias);
            textbook.backwardData(dy, w, dx);
            return dx;
        }
        kernel.forward(BATCH, x, w, bias, y);
        kernel.backwardWeights(BATCH, x, dy, dw, dbias);
        kernel.backwardData(BATCH, dy, w, dcols, dx);
        return dx;
    }
}
