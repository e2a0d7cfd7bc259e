package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import geodesic.kernel.SymmetricRankUpdate;
import geodesic.linalg.EigenPool;
import geodesic.linalg.Eigenbasis;
import geodesic.linalg.LargestEigenpairs;
import geodesic.linalg.SubspaceIteration;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.concurrent.CompletableFuture;

/**
 * The Kronecker-factored Fisher block of one Dense or Conv2d layer (paper Eq. 14-18): the running factors
 * {@code A} ({@code (in + 1) x (in + 1)}, layer inputs with the bias as an appended 1) and {@code B}
 * ({@code out x out}, per-example output gradients), their inverse roots, and the preconditioning of the layer's
 * gradient {@code G = [dW; db]} ({@code (in + 1) x out}, the weight's rows then the bias) as
 * {@code A^-1/2 G B^-1/2}, damped as {@link Damping} says.
 *
 * <dl>
 * <dt>Statistics and scaling convention</dt>
 * <dd>With {@code N} examples, {@code P} output positions per example ({@code 1} for Dense), the rows
 * {@code a_np} of {@link KroneckerFactorSource#inputs()} with a 1 appended, and the output gradients
 * {@code g_np} of the mean loss (which carry a factor {@code 1/N}):
 * <pre>{@code A_batch = 1/(N P) sum_n sum_p a_np a_np^T     B_batch = 1/N sum_n sum_p (N g_np)(N g_np)^T}</pre>
 * so {@code A} averages over positions and {@code B} sums over them, per example. Then {@code A (x) B} estimates
 * the per-example Fisher block {@code E[vec(dW_n) vec(dW_n)^T]}, {@code dW_n = sum_p a_np (N g_np)^T}, under
 * KFC's assumption that output gradients at different positions are uncorrelated (Grosse and Martens 2016):
 * {@code sum_p E[a a^T] (x) E[g g^T] = P E[a a^T] (x) E[g g^T]}. The factor {@code P} must sit in exactly one
 * factor: averaging both (as some implementations do) shrinks the Fisher by {@code P} and enlarges every
 * {@code F^-1/2} step by {@code sqrt(P)}, 28 for the reference CNN's first convolution. For Dense, {@code P = 1} and
 * both are plain per-example averages. With a convolution sample fraction below 1, the sums run over a
 * contiguous block of {@code ceil(fraction N)} examples at a pseudo-random offset that depends only on the step,
 * and {@code N} in the averages is the block size.</dd>
 * <dt>Running estimates</dt>
 * <dd>{@code A <- (1 - gamma) A + gamma A_batch} at each factor update (Eq. 17-18); the first update sets
 * {@code A = A_batch}, so a young factor is not biased toward its zero start. The traces of {@code A_batch} and
 * {@code B_batch} are tracked the same way at every step, even between factor updates; they are cheap (a sum of
 * squares) and drive trace rescaling.</dd>
 * <dt>Sample-size shrinkage</dt>
 * <dd>Before damping, a factor's eigenvalues are raised by {@code c (n / R) mean(lambda)}, with {@code c} the
 * settings' shrinkage coefficient, {@code n} the factor's size and {@code R} its effective number of rows: the rows
 * per update ({@code N P}, after sampling) divided by the sum of the squared EMA weights (1 after the first update,
 * {@code gamma / (2 - gamma)} in the long run). This shrinks the estimate toward its mean eigenvalue times the
 * identity, as covariance estimators do when samples are few for the dimension (Ledoit and Wolf 2004): a young
 * factor, whose rank is at most {@code R}, is strongly shrunk, a mature one hardly. Without it, roots computed from
 * the first batches multiply every direction outside those batches' span by {@code eps^-1/2} (1000 for
 * {@code eps = 1e-6}), and the next batch's gradient has such components.</dd>
 * <dt>Roots and trace rescaling</dt>
 * <dd>Roots computed at step {@code s} are used until replaced. When trace rescaling is on, the eigenvalues of a
 * factor are taken as {@code lambda * t_now / t_s}, with {@code t} the tracked trace: a stale root then follows the
 * growth or decay of the factor's overall scale, which is what makes the update blow up when gradients grow
 * between refreshes. This is exact for the eigenbasis form and for relative damping, and for the factored form
 * with absolute damping exact on the eigen-directions whose eigenvalue exceeds {@code eps}.</dd>
 * <dt>Truncated roots</dt>
 * <dd>With factored damping and {@link KroneckerSettings#rootRank()} {@code k > 0}, a factor of size
 * {@code n > 2k} is decomposed only for its {@code k} largest eigenpairs ({@code dsyevr} with an index range) and
 * its trace; the other {@code n - k} eigenvalues are replaced by their mean, {@code (trace - sum of the k) /
 * (n - k)}. The root {@code c I + V^T diag((lambda + eps)^-1/2 - c) V}, {@code c = (mean + eps)^-1/2}, is exact when
 * the discarded eigenvalues are equal, keeps their trace otherwise, and costs {@code 4 k n} flops per gradient
 * column instead of {@code 2 n^2}: for the reference CNN's fc1 ({@code n = 3137}, {@code k = 256}) a sixth. Later
 * refreshes start from the installed root's eigenvectors: two block power iterations and a Rayleigh-Ritz step
 * ({@link SubspaceIteration}, three products with the factor) instead of the exact partial solve, whose
 * tridiagonalization cost fc1 2.25 s; the exact solve remains the first refresh and the fallback if the iteration
 * fails. Both are deterministic, so synchronous and asynchronous refreshes and resumed runs agree bit for bit.</dd>
 * <dt>Failures</dt>
 * <dd>A non-finite factor, trace or preconditioned gradient throws {@link ArithmeticException} naming the layer,
 * the step and the quantity.</dd>
 * <dt>Threading and memory</dt>
 * <dd>Not thread-safe: one training thread drives it, and its kernels run on the given team. Decompositions may run
 * elsewhere: {@link #computeRoots} and {@link #submitRoots} read only a snapshot. Memory: the two factors, their
 * roots (or eigenbases) and two gradient-sized scratch arrays, about {@code 2 ((in+1)^2 + out^2)} floats.</dd>
 * </dl>
 */
public final class KroneckerFactor {
    /** Block power iterations before Rayleigh-Ritz when a truncated root is refreshed from the previous one. */
    private static final int REFINE_ITERATIONS = 2;
    /** Products of the refinement run on the decomposing thread alone, which may be a pool thread. */
    private static final MatMul SEQUENTIAL_MAT_MUL = KernelProvider.get().matMul(Parallelism.sequential());
    private final String layer;
    private final int inputDim;
    private final int sizeA;
    private final int sizeB;
    private final int positions;
    private final KroneckerSettings settings;
    private final MatMul matMul;
    private final SymmetricRankUpdate rankUpdate;
    private final Elementwise ops;
    private final float[] factorA;
    /** Whether the factors' upper triangles lag their lower ones, which updates alone write. */
    private boolean upperStale;
    private final float[] factorB;
    private final float[] gradient;
    private final float[] scratch;
    private final float[] columnSums;
    private float[] transposed;
    private float[] rootWork;
    private long factorUpdates;
    private long traceUpdates;
    private double traceA;
    private double traceB;
    private double squaredWeights;
    private int rowsPerUpdate;
    private KroneckerRoots roots;

    /**
     * Factors for a layer with weight {@code [inputDim, outputDim]} and {@code positions} output positions per
     * example, with kernels on {@code team}.
     *
     * @throws IllegalArgumentException if a dimension is not positive or {@code (inputDim + 1) * outputDim}
     *                                  overflows an int
     */
    public KroneckerFactor(String layer, int inputDim, int outputDim, int positions, KroneckerSettings settings,
                           Parallelism team) {
        if (inputDim < 1 || outputDim < 1 || positions < 1) {
            throw new IllegalArgumentException("layer " + layer + ": Kronecker factors need positive dimensions,"
                    + " got in " + inputDim + ", out " + outputDim + ", positions " + positions);
        }
        if ((long) (inputDim + 1) * (inputDim + 1) > Integer.MAX_VALUE
                || (long) (inputDim + 1) * outputDim > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layer " + layer + ": factor of size " + (inputDim + 1)
                    + " or gradient " + (inputDim + 1) + "x" + outputDim + " does not fit in a Java array");
        }
        this.layer = layer;
        this.inputDim = inputDim;
        this.sizeA = inputDim + 1;
        this.sizeB = outputDim;
        this.positions = positions;
        this.settings = settings;
        KernelProvider kernels = KernelProvider.get();
        this.matMul = kernels.matMul(team);
        this.rankUpdate = kernels.symmetricRankUpdate(team);
        this.ops = kernels.elementwise();
        this.factorA = new float[sizeA * sizeA];
        this.factorB = new float[sizeB * sizeB];
        this.gradient = new float[sizeA * sizeB];
        this.scratch = new float[sizeA * sizeB];
        this.columnSums = new float[inputDim];
    }

    /** Factors for the layer behind {@code source}. */
    public static KroneckerFactor forLayer(KroneckerFactorSource source, KroneckerSettings settings,
                                           Parallelism team) {
        return new KroneckerFactor(source.name(), source.inputDim(), source.outputDim(), source.positions(),
                settings, team);
    }

    /** The layer's name. */
    public String layer() {
        return layer;
    }

    /** Size of {@code A}: the layer's input dimension plus one for the bias. */
    public int sizeA() {
        return sizeA;
    }

    /** Size of {@code B}: the layer's output dimension. */
    public int sizeB() {
        return sizeB;
    }

    /** A copy of the running input factor {@code A}, row-major {@code sizeA x sizeA}. */
    public float[] factorA() {
        symmetrize();
        return factorA.clone();
    }

    /** A copy of the running output-gradient factor {@code B}, row-major {@code sizeB x sizeB}. */
    public float[] factorB() {
        symmetrize();
        return factorB.clone();
    }

    /** Number of factor updates so far. */
    public long factorUpdates() {
        return factorUpdates;
    }

    /** The step whose factors the installed roots come from, or 0 if none are installed. */
    public long rootStep() {
        return roots == null ? 0 : roots.step();
    }

    /** Whether roots were installed. */
    boolean hasRoots() {
        return roots != null;
    }

    /**
     * Reads this step's statistics from {@code source} (valid between the training backward and the next
     * forward): updates the trace trackers, and the factors too if {@code updateFactors}.
     *
     * @param step 1-based step number, for messages and the sampling offset
     * @throws IllegalArgumentException if the source's dimensions differ from this factor's
     * @throws IllegalStateException    if the source's factors are not valid now (capture off, no backward)
     * @throws ArithmeticException      if a trace or factor becomes NaN or infinite
     */
    public void observe(KroneckerFactorSource source, long step, boolean updateFactors) {
        if (source.inputDim() != inputDim || source.outputDim() != sizeB || source.positions() != positions) {
            throw new IllegalArgumentException("layer " + source.name() + " is " + source.inputDim() + "x"
                    + source.outputDim() + " with " + source.positions() + " positions, but its Kronecker factors"
                    + " were built for " + inputDim + "x" + sizeB + " with " + positions);
        }
        int examples = source.examples();
        int used = sampledExamples(examples);
        int first = sampleStart(step, examples, used);
        Tensor inputs = source.inputs(first, used);
        inputs.requireShape("layer " + layer + " inputs", used * positions, inputDim);
        Tensor outputGradients = source.outputGradients();
        outputGradients.requireShape("layer " + layer + " output gradients", examples, sizeB, positions);
        observe(inputs.data(), 0, outputGradients.data(), first * sizeB * positions, examples, used, step,
                updateFactors);
    }

    /**
     * As {@link #observe(KroneckerFactorSource, long, boolean)} on explicit matrices.
     *
     * @param inputs          {@code [N * P, in]} row-major, read
     * @param outputGradients {@code [N, out, P]} row-major, gradients of the mean loss, read
     * @param examples        {@code N}
     * @throws IllegalArgumentException if the tensors do not have these shapes
     */
    public void observe(Tensor inputs, Tensor outputGradients, int examples, long step, boolean updateFactors) {
        inputs.requireShape("layer " + layer + " inputs", examples * positions, inputDim);
        outputGradients.requireShape("layer " + layer + " output gradients", examples, sizeB, positions);
        int used = sampledExamples(examples);
        int first = sampleStart(step, examples, used);
        observe(inputs.data(), first * positions * inputDim, outputGradients.data(), first * sizeB * positions,
                examples, used, step, updateFactors);
    }

    /** Examples whose rows feed the factors: all for a dense layer, the sample fraction's share for a convolution. */
    private int sampledExamples(int examples) {
        return positions == 1 ? examples : Math.max(1, (int) Math.ceil(settings.convSampleFraction() * examples));
    }

    /** First sampled example: a pseudo-random offset that depends only on the step. */
    private static int sampleStart(long step, int examples, int used) {
        return used == examples ? 0 : sampleOffset(step, examples - used + 1);
    }

    /**
     * The update itself: {@code x[xOffset ..]} holds the {@code used * P} input rows and {@code g[gOffset ..]} the
     * {@code used} output-gradient blocks of the sampled examples, out of a batch of {@code examples}.
     */
    private void observe(float[] x, int xOffset, float[] g, int gOffset, int examples, int used, long step,
                         boolean updateFactors) {
        int rows = used * positions;
        double gScale = (double) examples * examples / used;

        double batchTraceA = 1 + ops.sumOfSquares(rows * inputDim, x, xOffset) / rows;
        double batchTraceB = gScale * ops.sumOfSquares(used * sizeB * positions, g, gOffset);
        if (!Double.isFinite(batchTraceA) || !Double.isFinite(batchTraceB)) {
            throw new ArithmeticException("layer " + layer + " at step " + step + ": "
                    + (Double.isFinite(batchTraceA) ? "output gradients" : "inputs") + " hold NaN or infinity"
                    + " (batch trace of A " + batchTraceA + ", of B " + batchTraceB + ")");
        }
        double w = traceUpdates == 0 ? 1 : settings.gamma();
        traceA = (1 - w) * traceA + w * batchTraceA;
        traceB = (1 - w) * traceB + w * batchTraceB;
        traceUpdates++;
        if (!updateFactors) {
            return;
        }

        float weight = factorUpdates == 0 ? 1f : (float) settings.gamma();
        float keep = factorUpdates == 0 ? 0f : (float) (1 - settings.gamma());
        rankUpdate.updateLower(inputDim, rows, weight / rows, x, xOffset, inputDim, keep, factorA, 0, sizeA);
        ops.columnSums(rows, inputDim, x, xOffset, columnSums, 0, false);
        int last = inputDim * sizeA;
        for (int i = 0; i < inputDim; i++) {
            float v = keep * factorA[last + i] + weight * (columnSums[i] / rows);
            factorA[last + i] = v;
            factorA[i * sizeA + inputDim] = v;
        }
        factorA[last + inputDim] = keep * factorA[last + inputDim] + weight;

        float alphaB = (float) (weight * gScale);
        if (positions == 1) {
            rankUpdate.updateLower(sizeB, used, alphaB, g, gOffset, sizeB, keep, factorB, 0, sizeB);
        } else {
            if (transposed == null || transposed.length < rows * sizeB) {
                transposed = new float[rows * sizeB];
            }
            for (int n = 0; n < used; n++) {
                int block = gOffset + n * sizeB * positions;
                int out = n * positions * sizeB;
                for (int c = 0; c < sizeB; c++) {
                    int from = block + c * positions;
                    for (int p = 0; p < positions; p++) {
                        transposed[out + p * sizeB + c] = g[from + p];
                    }
                }
            }
            rankUpdate.updateLower(sizeB, rows, alphaB, transposed, 0, sizeB, keep, factorB, 0, sizeB);
        }
        squaredWeights = factorUpdates == 0 ? 1 : (1 - settings.gamma()) * (1 - settings.gamma()) * squaredWeights
                + settings.gamma() * settings.gamma();
        rowsPerUpdate = rows;
        factorUpdates++;
        upperStale = true;
        requireFiniteDiagonal(factorA, sizeA, "A (layer inputs)", step);
        requireFiniteDiagonal(factorB, sizeB, "B (output gradients)", step);
    }

    /**
     * Mirrors both factors' lower triangles over their upper ones if an update left them stale. Updates write only
     * the lower triangles ({@link SymmetricRankUpdate#updateLower}): for a 3137-wide fc1 factor the mirror moved
     * as many floats again, nearly all cache misses; readers of a whole factor call this first.
     */
    private void symmetrize() {
        if (upperStale) {
            SymmetricRankUpdate.mirrorLowerTriangle(sizeA, factorA, 0, sizeA);
            SymmetricRankUpdate.mirrorLowerTriangle(sizeB, factorB, 0, sizeB);
            upperStale = false;
        }
    }

    /** A pseudo-random offset in {@code [0, bound)} that depends only on the step. */
    private static int sampleOffset(long step, int bound) {
        long h = step * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) Math.floorMod(h, (long) bound);
    }

    /*
     * A symmetric positive semi-definite matrix with a NaN or infinite element has one on its diagonal too
     * (|m_ij| <= sqrt(m_ii m_jj), and a NaN input row poisons its own diagonal entry), so O(n) suffices.
     */
    private void requireFiniteDiagonal(float[] m, int n, String what, long step) {
        for (int i = 0; i < n; i++) {
            float v = m[i * n + i];
            if (!Float.isFinite(v)) {
                throw new ArithmeticException("Kronecker factor " + what + " of layer " + layer + " became " + v
                        + " at step " + step + " (diagonal element " + i + "); the inputs or the loss diverged");
            }
        }
    }

    /**
     * Decomposes the current factors on the calling thread and returns their roots, without installing them.
     *
     * @param step the current step, recorded in the result
     * @throws IllegalStateException if the factors were never updated
     * @throws ArithmeticException   if a decomposition fails, naming the layer and step
     */
    public KroneckerRoots computeRoots(SymmetricEigensolver solver, long step) {
        requireFactors();
        symmetrize();
        Damping damping = settings.damping();
        try {
            FactorRoot a = root(solver, factorA, sizeA, damping, roots == null ? null : roots.a(), step);
            FactorRoot b = root(solver, factorB, sizeB, damping, roots == null ? null : roots.b(), step);
            return new KroneckerRoots(a, b, traceA, traceB, step);
        } catch (ArithmeticException e) {
            throw rootFailure(step, e);
        }
    }

    /**
     * Submits snapshots of the current factors to {@code pool}; the future completes with their roots on a pool
     * thread, or exceptionally with the solver's exception.
     *
     * @throws IllegalStateException if the factors were never updated or the pool is closed
     */
    public CompletableFuture<KroneckerRoots> submitRoots(EigenPool pool, long step) {
        requireFactors();
        symmetrize();
        Damping damping = settings.damping();
        double ta = traceA;
        double tb = traceB;
        double sa = shrinkage(sizeA);
        double sb = shrinkage(sizeB);
        CompletableFuture<FactorRoot> a = submitRoot(pool, factorA, sizeA, damping, sa,
                roots == null ? null : roots.a(), step);
        CompletableFuture<FactorRoot> b = submitRoot(pool, factorB, sizeB, damping, sb,
                roots == null ? null : roots.b(), step);
        return a.thenCombine(b, (ra, rb) -> new KroneckerRoots(ra, rb, ta, tb, step));
    }

    private FactorRoot root(SymmetricEigensolver solver, float[] factor, int n, Damping damping, FactorRoot last,
                            long step) {
        int k = rank(n);
        return k > 0 ? FactorRoot.truncated(largest(solver, factor, n, k, last, step), damping, shrinkage(n))
                : FactorRoot.of(solver.decompose(factor, n), damping, shrinkage(n));
    }

    private CompletableFuture<FactorRoot> submitRoot(EigenPool pool, float[] factor, int n, Damping damping,
                                                     double shrinkage, FactorRoot last, long step) {
        int k = rank(n);
        SymmetricEigensolver solver = pool.solver();
        return k > 0 ? pool.submitSnapshot(factor, n,
                        f -> FactorRoot.truncated(largest(solver, f, n, k, last, step), damping, shrinkage))
                : pool.submit(factor, n, e -> FactorRoot.of(e, damping, shrinkage));
    }

    /**
     * The {@code k} largest eigenpairs of {@code factor}: by {@link SubspaceIteration} warm-started from the last
     * truncated root's eigenvectors when there is one, else (and if the iteration fails) exactly.
     */
    private static LargestEigenpairs largest(SymmetricEigensolver solver, float[] factor, int n, int k,
                                             FactorRoot last, long step) {
        if (last != null && last.top() != null && last.rank() == k) {
            try {
                return SubspaceIteration.largest(factor, n, last.top(), k, k, REFINE_ITERATIONS, step,
                        SEQUENTIAL_MAT_MUL, solver);
            } catch (ArithmeticException e) {
                return solver.decomposeLargest(factor, n, k);
            }
        }
        return solver.decomposeLargest(factor, n, k);
    }

    /** The rank a factor of size {@code n} keeps, 0 for all. */
    private int rank(int n) {
        return settings.truncates(n) ? settings.rootRank() : 0;
    }

    /** Dimension over effective sample count: how far a factor's eigenvalues are raised toward their mean. */
    double shrinkage(int n) {
        return settings.shrinkage() * n * squaredWeights / rowsPerUpdate;
    }

    /** The exception for a failed decomposition of this layer's factors at {@code step}. */
    ArithmeticException rootFailure(long step, Throwable cause) {
        ArithmeticException e = new ArithmeticException("inverse roots of the Kronecker factors of layer " + layer
                + " from step " + step + " failed: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    private void requireFactors() {
        if (factorUpdates == 0) {
            throw new IllegalStateException("layer " + layer + ": Kronecker factors have no statistics yet; call"
                    + " observe(..., true) first");
        }
    }

    /**
     * Uses {@code r} from now on.
     *
     * @throws IllegalArgumentException if its sizes or form do not match this factor and its damping
     */
    public void install(KroneckerRoots r) {
        requireFits(r);
        roots = r;
    }

    private void requireFits(KroneckerRoots r) {
        boolean factored = settings.damping().form() == Damping.Form.FACTORED;
        if (r.a().n() != sizeA || r.b().n() != sizeB || (r.a().basis() == null) != factored
                || r.a().rank() != rank(sizeA) || r.b().rank() != rank(sizeB)) {
            throw new IllegalArgumentException("layer " + layer + ": roots of size " + r.a().n() + " and "
                    + r.b().n() + " do not fit factors of size " + sizeA + " and " + sizeB + " with "
                    + settings.damping().describe() + " damping");
        }
    }

    /**
     * Replaces the layer's gradients by {@code A^-1/2 [dW; db] B^-1/2} (damped, in place), using the installed
     * roots, rescaled by the traces tracked since if trace rescaling is on.
     *
     * @param weight the layer's weight, gradient {@code [in, out]}
     * @param bias   the layer's bias, gradient {@code [out]}
     * @param step   the current step, for messages
     * @throws IllegalArgumentException if the parameters do not have this layer's sizes
     * @throws IllegalStateException    if no roots were installed
     * @throws ArithmeticException      if the result holds NaN or infinity
     */
    public void precondition(Parameter weight, Parameter bias, long step) {
        float[] dw = weight.grad().data();
        float[] db = bias.grad().data();
        if (dw.length != inputDim * sizeB || db.length != sizeB) {
            throw new IllegalArgumentException("layer " + layer + ": gradients of " + dw.length + " and " + db.length
                    + " elements do not fit a " + inputDim + "x" + sizeB + " weight and its bias");
        }
        if (roots == null) {
            throw new IllegalStateException("layer " + layer + ": no inverse roots installed before preconditioning;"
                    + " install(computeRoots(...)) first");
        }
        System.arraycopy(dw, 0, gradient, 0, dw.length);
        System.arraycopy(db, 0, gradient, dw.length, sizeB);
        apply(gradient);
        int bad = ops.firstNonFinite(gradient.length, gradient, 0);
        if (bad >= 0) {
            throw new ArithmeticException("preconditioned gradient of layer " + layer + " at step " + step + " is "
                    + gradient[bad] + " at row " + bad / sizeB + ", column " + bad % sizeB + " (roots from step "
                    + rootStep() + ", traces A " + traceA + ", B " + traceB + ")");
        }
        System.arraycopy(gradient, 0, dw, 0, dw.length);
        System.arraycopy(gradient, dw.length, db, 0, sizeB);
    }

    /** {@code g <- A^-1/2 g B^-1/2} on the {@code sizeA x sizeB} row-major gradient {@code g}, in place. */
    void apply(float[] g) {
        Damping damping = settings.damping();
        double drift = 1;
        if (settings.traceRescaling() && roots.traceA() > 0 && roots.traceB() > 0 && traceA > 0 && traceB > 0) {
            drift = (traceA / roots.traceA()) * (traceB / roots.traceB());
        }
        if (damping.form() == Damping.Form.FACTORED) {
            int work = Math.max(roots.a().workspace(sizeB), roots.b().workspace(sizeA));
            if (work > 0 && (rootWork == null || rootWork.length < work)) {
                rootWork = new float[work];
            }
            roots.a().multiplyLeft(matMul, g, sizeB, scratch, rootWork);
            roots.b().multiplyRight(matMul, scratch, sizeA, (float) (1 / Math.sqrt(drift)), g, rootWork);
            return;
        }
        double eps = damping.productEpsilon(roots.a().meanEigenvalue(), roots.b().meanEigenvalue());
        if (damping.scale() == Damping.Scale.ABSOLUTE) {
            eps /= drift;
        }
        Eigenbasis.applyKroneckerInverseRoot(roots.a().basis(), roots.b().basis(), 0.5, eps, g, g, scratch, matMul);
        if (drift != 1) {
            ops.scaleInPlace(g.length, (float) (1 / Math.sqrt(drift)), g, 0);
        }
    }

    /** Adds factors, trackers and installed roots under {@code prefix + layer + "/"}. */
    void exportState(OptimizerState state, String prefix) {
        String p = prefix + layer + "/";
        symmetrize();
        state.putFloats(p + "A", factorA).putFloats(p + "B", factorB)
                .putLong(p + "factorUpdates", factorUpdates).putLong(p + "traceUpdates", traceUpdates)
                .putDoubles(p + "traces", new double[] {traceA, traceB, squaredWeights})
                .putLong(p + "rowsPerUpdate", rowsPerUpdate);
        state.putLong(p + "hasRoots", roots == null ? 0 : 1);
        if (roots != null) {
            exportRoots(state, p + "roots/", roots);
        }
    }

    /**
     * Reads and checks what {@link #exportState} wrote, and returns the action that restores it; nothing is changed
     * until the action runs, so several layers can be checked before any is restored.
     *
     * @throws IllegalArgumentException naming the first missing or mis-sized entry
     */
    Runnable prepareImport(OptimizerState state, String prefix) {
        String p = prefix + layer + "/";
        float[] a = new float[factorA.length];
        float[] b = new float[factorB.length];
        state.copyFloatsInto(p + "A", a);
        state.copyFloatsInto(p + "B", b);
        long updates = state.longValue(p + "factorUpdates");
        long traces = state.longValue(p + "traceUpdates");
        double[] t = state.doubles(p + "traces");
        if (t.length != 3) {
            throw new IllegalArgumentException("optimizer state entry " + p + "traces has " + t.length
                    + " values, expected 3");
        }
        int rows = Math.toIntExact(state.longValue(p + "rowsPerUpdate"));
        KroneckerRoots r = state.longValue(p + "hasRoots") == 0 ? null : importRoots(state, p + "roots/");
        if (r != null) {
            requireFits(r);
        }
        return () -> {
            System.arraycopy(a, 0, factorA, 0, a.length);
            System.arraycopy(b, 0, factorB, 0, b.length);
            upperStale = false;
            factorUpdates = updates;
            traceUpdates = traces;
            traceA = t[0];
            traceB = t[1];
            squaredWeights = t[2];
            rowsPerUpdate = rows;
            roots = r;
        };
    }

    /** Writes {@code r} under {@code p}. */
    static void exportRoots(OptimizerState state, String p, KroneckerRoots r) {
        state.putLong(p + "step", r.step()).putDoubles(p + "traces", new double[] {r.traceA(), r.traceB()});
        exportRoot(state, p + "A/", r.a());
        exportRoot(state, p + "B/", r.b());
    }

    private static void exportRoot(OptimizerState state, String p, FactorRoot f) {
        state.putDoubles(p + "mean", new double[] {f.meanEigenvalue()});
        if (f.root() != null) {
            state.putFloats(p + "root", f.root());
            return;
        }
        if (f.top() != null) {
            state.putFloats(p + "top", f.top()).putFloats(p + "topScales", f.topScales())
                    .putDoubles(p + "tailScale", new double[] {f.tailScale()});
            return;
        }
        int n = f.n();
        double[] values = new double[n];
        float[] vectors = new float[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = f.basis().value(j);
            for (int i = 0; i < n; i++) {
                vectors[j * n + i] = f.basis().vectorComponent(j, i);
            }
        }
        state.putDoubles(p + "values", values).putFloats(p + "vectors", vectors);
    }

    /** Reads roots written by {@link #exportRoots} for this factor's sizes and damping form. */
    KroneckerRoots importRoots(OptimizerState state, String p) {
        double[] t = state.doubles(p + "traces");
        if (t.length != 2) {
            throw new IllegalArgumentException("optimizer state entry " + p + "traces has " + t.length
                    + " values, expected 2");
        }
        return new KroneckerRoots(importRoot(state, p + "A/", sizeA), importRoot(state, p + "B/", sizeB),
                t[0], t[1], state.longValue(p + "step"));
    }

    private FactorRoot importRoot(OptimizerState state, String p, int n) {
        double mean = state.doubles(p + "mean")[0];
        int k = rank(n);
        if (k > 0) {
            float[] top = new float[k * n];
            float[] scales = new float[k];
            state.copyFloatsInto(p + "top", top);
            state.copyFloatsInto(p + "topScales", scales);
            return FactorRoot.truncated(n, top, scales, (float) state.doubles(p + "tailScale")[0], mean);
        }
        if (settings.damping().form() == Damping.Form.FACTORED) {
            float[] root = new float[n * n];
            state.copyFloatsInto(p + "root", root);
            return FactorRoot.full(n, root, mean);
        }
        double[] values = state.doubles(p + "values");
        float[] vectors = new float[n * n];
        state.copyFloatsInto(p + "vectors", vectors);
        double[] wide = new double[n * n];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = vectors[i];
        }
        return FactorRoot.eigenbasis(SymmetricEigen.of(n, values, wide).toEigenbasis(), mean);
    }
}
