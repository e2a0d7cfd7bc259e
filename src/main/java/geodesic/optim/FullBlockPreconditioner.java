package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import geodesic.kernel.SymmetricRankUpdate;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The paper's exact block-diagonal {@code F^-1/2} (Eq. 12-13) for small layers: for every Dense and Conv2d layer,
 * the full {@code D x D} covariance {@code F} of its per-example gradients {@code vec([dW_n; db_n])},
 * {@code D = (in + 1) out}, kept as an EMA like the Kronecker factors, and the update
 * {@code (F + eps I)^-1/2 vec([dW; db])}. It costs {@code O(D^2)} memory and {@code O(D^3)} per refresh, so it is
 * a reference for how good the Kronecker approximation is, not an optimizer for real networks.
 *
 * <dl>
 * <dt>Statistics</dt>
 * <dd>Per-example gradients are rebuilt from the captured factors, undoing the mean loss's {@code 1/N}:
 * {@code dW_n = sum_p a_np (N g_np)^T} with the bias as an appended 1 (see {@link KroneckerFactor} for the
 * notation); {@code F <- (1 - gamma) F + gamma (1/N) sum_n vec(dW_n) vec(dW_n)^T}, the first update replacing the
 * zero start. When each layer's per-example gradients have the form {@code a (x) g} over a product design of
 * inputs and output gradients, {@code F} equals the Kronecker {@code A (x) B} exactly, and this preconditioner
 * agrees with the Kronecker one under {@link Damping.Form#EIGENBASIS} damping.</dd>
 * <dt>Roots</dt>
 * <dd>Recomputed synchronously at step 1 and every {@code rootInterval} steps from a float64 eigendecomposition;
 * damping {@code eps} is absolute or a fraction of the mean eigenvalue of {@code F}. Parameters outside Dense and
 * Conv2d layers get the {@link DiagonalPreconditioner} with RMSprop's defaults.</dd>
 * <dt>Threading, failures</dt>
 * <dd>As {@link Preconditioner}; products run on the given team. Non-finite statistics or results throw
 * {@link ArithmeticException} naming the layer, step and quantity.</dd>
 * </dl>
 */
public final class FullBlockPreconditioner implements Preconditioner {
    /** The largest block accepted by default: 16 M floats (64 MB) for {@code F} and as much for its root. */
    public static final int DEFAULT_MAX_DIMENSION = 4096;

    private final List<KroneckerFactorSource> sources;
    private final List<Block> blocks;
    private final DiagonalPreconditioner others;
    private final double gamma;
    private final int rootInterval;
    private final Damping damping;
    private final MatMul matMul;
    private final SymmetricRankUpdate rankUpdate;
    private final Elementwise ops;
    private final SymmetricEigensolver solver;

    /** One layer's covariance, root and scratch. */
    private static final class Block {
        final int dimension;
        final float[] covariance;
        float[] root;
        float[] examples = new float[0];
        final float[] gradient;
        final float[] result;
        long updates;

        Block(int dimension) {
            this.dimension = dimension;
            this.covariance = new float[dimension * dimension];
            this.gradient = new float[dimension];
            this.result = new float[dimension];
        }
    }

    /**
     * Turns on Kronecker capture in every Dense and Conv2d layer of {@code model}.
     *
     * @param gamma        EMA weight of new statistics, in {@code (0, 1]}
     * @param rootInterval roots are recomputed at step 1 and every {@code rootInterval}-th step, {@code >= 1}
     * @param damping      must have {@link Damping.Form#EIGENBASIS} form: the whole block is damped as one matrix
     * @param maxDimension the largest {@code D = (in + 1) out} accepted
     * @throws IllegalArgumentException if a layer's block is larger than {@code maxDimension} (naming the layer,
     *                                  its size and the limit), or a setting is out of range (naming it)
     */
    public FullBlockPreconditioner(Model model, double gamma, int rootInterval, Damping damping, int maxDimension,
                                   Parallelism team) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("full-block EMA weight gamma must be in (0, 1], got " + gamma);
        }
        if (rootInterval < 1) {
            throw new IllegalArgumentException("full-block root interval must be >= 1, got " + rootInterval);
        }
        if (damping.form() != Damping.Form.EIGENBASIS) {
            throw new IllegalArgumentException("the full block is damped as one matrix, (F + eps I)^-1/2; use"
                    + " eigenbasis damping, got " + damping.describe());
        }
        if (maxDimension < 1 || maxDimension > 46_340) {
            throw new IllegalArgumentException("full-block maxDimension must be in [1, 46340] (D^2 must fit an"
                    + " array), got " + maxDimension);
        }
        this.sources = List.copyOf(model.kroneckerFactorSources());
        this.blocks = new ArrayList<>();
        Set<Parameter> covered = new HashSet<>();
        for (KroneckerFactorSource s : sources) {
            long d = (long) (s.inputDim() + 1) * s.outputDim();
            if (d > maxDimension) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "full-block preconditioner: layer %s"
                        + " has a %d x %d Fisher block ((%d + 1) x %d weights and biases), above the limit %d;"
                        + " use the Kronecker preconditioner for layers this size", s.name(), d, d,
                        s.inputDim(), s.outputDim(), maxDimension));
            }
        }
        for (KroneckerFactorSource s : sources) {
            s.setKroneckerCapture(true);
            blocks.add(new Block((s.inputDim() + 1) * s.outputDim()));
            covered.add(s.weight());
            covered.add(s.bias());
        }
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (!covered.contains(p)) {
                rest.add(p);
            }
        }
        this.others = DiagonalPreconditioner.withDefaults(rest);
        this.gamma = gamma;
        this.rootInterval = rootInterval;
        this.damping = damping;
        KernelProvider kernels = KernelProvider.get();
        this.matMul = kernels.matMul(team);
        this.rankUpdate = kernels.symmetricRankUpdate(team);
        this.ops = kernels.elementwise();
        this.solver = SymmetricEigensolver.active();
    }

    /** The covariance {@code F} of layer {@code index} (in layer order), a row-major {@code D x D} copy. */
    public float[] covariance(int index) {
        return blocks.get(index).covariance.clone();
    }

    /**
     * @throws IllegalStateException if a layer's factors were not captured
     * @throws ArithmeticException   if a statistic, decomposition or result is not finite, naming layer and step
     */
    @Override
    public void precondition(long step) {
        for (int i = 0; i < blocks.size(); i++) {
            KroneckerFactorSource s = sources.get(i);
            Block b = blocks.get(i);
            update(s, b, step);
            if (step == 1 || step % rootInterval == 0) {
                b.root = root(s.name(), b, step);
            }
            apply(s, b, step);
        }
        others.precondition(step);
    }

    private void update(KroneckerFactorSource s, Block b, long step) {
        int n = s.examples();
        int in = s.inputDim();
        int out = s.outputDim();
        int positions = s.positions();
        int d = b.dimension;
        if (b.examples.length != n * d) {
            b.examples = new float[n * d];
        }
        float[] x = s.inputs().data();
        float[] g = s.outputGradients().data();
        float scale = n;
        for (int e = 0; e < n; e++) {
            int row = e * d;
            int gBlock = e * out * positions;
            // dW_e = X_e^T (N G_e)^T with X_e [P x in] and G_e [out x P]; the bias row sums G_e over positions.
            matMul.gemm(true, true, in, out, positions, scale, x, e * positions * in, in, g, gBlock, positions,
                    0f, b.examples, row, out);
            for (int c = 0; c < out; c++) {
                double sum = 0;
                for (int p = 0; p < positions; p++) {
                    sum += g[gBlock + c * positions + p];
                }
                b.examples[row + in * out + c] = (float) (scale * sum);
            }
        }
        float weight = b.updates == 0 ? 1f : (float) gamma;
        float keep = b.updates == 0 ? 0f : (float) (1 - gamma);
        rankUpdate.update(d, n, weight / n, b.examples, 0, d, keep, b.covariance, 0, d);
        b.updates++;
        for (int i = 0; i < d; i++) {
            float v = b.covariance[i * d + i];
            if (!Float.isFinite(v)) {
                throw new ArithmeticException("full-block Fisher of layer " + s.name() + " became " + v + " at step "
                        + step + " (diagonal element " + i + ")");
            }
        }
    }

    private float[] root(String layer, Block b, long step) {
        try {
            SymmetricEigen e = solver.decompose(b.covariance, b.dimension);
            double mean = 0;
            for (int j = 0; j < e.n(); j++) {
                mean += Math.max(e.value(j), 0);
            }
            mean /= e.n();
            double eps = damping.scale() == Damping.Scale.ABSOLUTE ? damping.epsilon()
                    : damping.factorEpsilon(mean);
            return e.inverseRoot(0.5, eps);
        } catch (ArithmeticException e) {
            ArithmeticException failure = new ArithmeticException("full-block root of layer " + layer + " at step "
                    + step + " failed: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    private void apply(KroneckerFactorSource s, Block b, long step) {
        float[] dw = s.weight().grad().data();
        float[] db = s.bias().grad().data();
        System.arraycopy(dw, 0, b.gradient, 0, dw.length);
        System.arraycopy(db, 0, b.gradient, dw.length, db.length);
        matMul.gemm(false, false, b.dimension, 1, b.dimension, 1f, b.root, 0, b.dimension, b.gradient, 0, 1,
                0f, b.result, 0, 1);
        int bad = ops.firstNonFinite(b.dimension, b.result, 0);
        if (bad >= 0) {
            throw new ArithmeticException("full-block preconditioned gradient of layer " + s.name() + " at step "
                    + step + " is " + b.result[bad] + " at element " + bad);
        }
        System.arraycopy(b.result, 0, dw, 0, dw.length);
        System.arraycopy(b.result, dw.length, db, 0, db.length);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "full-block(gamma=%g, T_int=%d, damping=%s)", gamma, rootInterval,
                damping.describe());
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String p = prefix + "full-block/" + sources.get(i).name() + "/";
            state.putFloats(p + "F", b.covariance).putLong(p + "updates", b.updates);
            if (b.root != null) {
                state.putFloats(p + "root", b.root);
            }
        }
        others.exportState(state, prefix);
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        List<Runnable> commits = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String p = prefix + "full-block/" + sources.get(i).name() + "/";
            float[] f = new float[b.covariance.length];
            state.copyFloatsInto(p + "F", f);
            long updates = state.longValue(p + "updates");
            float[] root = null;
            if (state.floats().containsKey(p + "root")) {
                root = new float[f.length];
                state.copyFloatsInto(p + "root", root);
            }
            float[] r = root;
            commits.add(() -> {
                System.arraycopy(f, 0, b.covariance, 0, f.length);
                b.updates = updates;
                b.root = r;
            });
        }
        others.importState(state, prefix);
        commits.forEach(Runnable::run);
    }
}
