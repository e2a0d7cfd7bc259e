package geodesic.bench;

import geodesic.kernel.Parallelism;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Parameter;
import geodesic.optim.Damping;
import geodesic.optim.DiagonalPreconditioner;
import geodesic.optim.KroneckerFactor;
import geodesic.optim.KroneckerRoots;
import geodesic.optim.KroneckerSettings;
import geodesic.tensor.Tensor;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagonal vs Kronecker preconditioning, per layer shape of the MLP and the reference CNN at batch 128: the three
 * costs of the Kronecker preconditioner and the whole diagonal one.
 * <ul>
 *   <li>{@code kroneckerFactorUpdate}: one EMA update of A and B from a batch's inputs and output gradients (the
 *       cost every {@code T_cov} steps); {@code kroneckerTraces} is the trace tracking of the other steps;</li>
 *   <li>{@code kroneckerInverseRoots}: the eigendecompositions of A and B and, for factored damping, the two
 *       inverse roots, on one thread (the cost every {@code T_int} steps, moved off the training thread when
 *       roots are asynchronous);</li>
 *   <li>{@code kroneckerApply}: {@code A^-1/2 [dW; db] B^-1/2} (every step), with factors above {@code 2 rootRank}
 *       truncated to rank {@code rootRank} (0: full roots; see {@link KroneckerSettings#rootRank()});</li>
 *   <li>{@code diagonal}: the RMSprop-like {@code diag(F)^-1/2} on the same parameters (every step).</li>
 * </ul>
 * The apply and diagonal benchmarks first restore the raw gradient (a copy of {@code (in + 1) out} floats), so
 * repeated calls see the same input. Layer shapes are {@code name:in x out x positions}; inputs are rectified
 * Gaussians (post-ReLU activations), output gradients Gaussians scaled by {@code 1/N}.
 *
 * <p>Run short: {@code bin/geodesic-jmh PreconditionerBenchmark -p layer=cnn.fc1:3136x256x1 -wi 1 -i 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS, "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PreconditionerBenchmark {
    private static final int BATCH = 128;

    @Param({"mlp.dense1:784x256x1", "mlp.dense2:256x256x1", "mlp.dense3:256x10x1", "cnn.conv1:25x32x784",
            "cnn.conv2:800x64x196", "cnn.fc1:3136x256x1", "cnn.fc2:256x10x1"})
    public String layer;

    @Param({"factored", "eigenbasis"})
    public String damping;

    @Param({"1"})
    public int threads;

    @Param({"1"})
    public double convSample;

    /** {@link KroneckerSettings#rootRank()}: 256 truncates fc1's roots (the default), 0 keeps them full. */
    @Param({"256", "0"})
    public int rootRank;

    private Parallelism team;
    private KroneckerFactor factor;
    private DiagonalPreconditioner diagonal;
    private Parameter weight;
    private Parameter bias;
    private float[] rawWeightGradient;
    private float[] rawBiasGradient;
    private Tensor inputs;
    private Tensor outputGradients;
    private SymmetricEigensolver solver;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = layer.substring(layer.indexOf(':') + 1).split("x");
        int in = Integer.parseInt(dims[0]);
        int out = Integer.parseInt(dims[1]);
        int positions = Integer.parseInt(dims[2]);
        Random random = new Random(in * 31L + out);
        inputs = Tensor.zeros(BATCH * positions, in);
        for (int i = 0; i < inputs.size(); i++) {
            inputs.data()[i] = (float) Math.max(0, random.nextGaussian());
        }
        outputGradients = Tensor.zeros(BATCH, out, positions);
        for (int i = 0; i < outputGradients.size(); i++) {
            outputGradients.data()[i] = (float) (random.nextGaussian() / BATCH);
        }
        weight = new Parameter(layer + ".weight", Tensor.zeros(in, out), Tensor.zeros(in, out));
        bias = new Parameter(layer + ".bias", Tensor.zeros(out), Tensor.zeros(out));
        for (int i = 0; i < weight.size(); i++) {
            weight.grad().data()[i] = (float) (random.nextGaussian() * 1e-3);
        }
        rawWeightGradient = weight.grad().data().clone();
        rawBiasGradient = bias.grad().data().clone();
        Damping d = damping.equals("factored") ? Damping.factored(1e-6) : Damping.eigenbasis(1e-6);
        KroneckerSettings settings = KroneckerSettings.defaults().withDamping(d)
                .withConvSampleFraction(convSample).withRootRank(rootRank);
        team = Parallelism.of(threads);
        solver = SymmetricEigensolver.active();
        factor = new KroneckerFactor(layer, in, out, positions, settings, team);
        factor.observe(inputs, outputGradients, BATCH, 1, true);
        factor.install(factor.computeRoots(solver, 1));
        diagonal = new DiagonalPreconditioner(List.of(weight, bias), 0.99, 1e-8);
        step = 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        team.close();
    }

    @Benchmark
    public long kroneckerFactorUpdate() {
        factor.observe(inputs, outputGradients, BATCH, ++step, true);
        return factor.factorUpdates();
    }

    @Benchmark
    public long kroneckerTraces() {
        factor.observe(inputs, outputGradients, BATCH, ++step, false);
        return step;
    }

    @Benchmark
    public KroneckerRoots kroneckerInverseRoots() {
        return factor.computeRoots(solver, step);
    }

    @Benchmark
    public float[] kroneckerApply() {
        restoreGradients();
        factor.precondition(weight, bias, step);
        return weight.grad().data();
    }

    @Benchmark
    public float[] diagonal() {
        restoreGradients();
        diagonal.precondition(step);
        return weight.grad().data();
    }

    private void restoreGradients() {
        System.arraycopy(rawWeightGradient, 0, weight.grad().data(), 0, rawWeightGradient.length);
        System.arraycopy(rawBiasGradient, 0, bias.grad().data(), 0, rawBiasGradient.length);
    }
}
