package geodesic.optim;

import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * TSO-ALRA's block-diagonal, Kronecker-factored {@code F^-1/2} (paper Eq. 12-18): for every Dense and Conv2d
 * layer, {@code [dW; db] <- A^-1/2 [dW; db] B^-1/2} with the running factors of a {@link KroneckerFactor}; every
 * other parameter (batch-norm scales and shifts, which have no Kronecker structure) gets the
 * {@link DiagonalPreconditioner} with {@link KroneckerSettings#diagonalDecay()} and
 * {@link KroneckerSettings#diagonalEpsilon()}.
 *
 * <dl>
 * <dt>One step ({@link #precondition(long)})</dt>
 * <dd>1. install the asynchronous roots that are due at this step (waiting for them if they are not done);
 * 2. read each layer's captured inputs and output gradients: trace trackers always, factors every {@code T_cov}
 * steps; 3. if roots are due (the first call, every {@code T_int}-th step, and with early refresh steps 2, 4,
 * 8, ... below {@code T_int}), decompose the factors: synchronously on the kernel team, one layer per thread,
 * installed at once; or, with an {@link EigenPool}, submitted to it and installed {@code asyncDelay} steps later
 * (the first call always decomposes synchronously, so that no step runs without roots); 4. precondition every
 * gradient in place.</dd>
 * <dt>Stable out of the box</dt>
 * <dd>The paper's schedule ({@link KroneckerSettings#paper()}) diverges at {@code lr = 0.01} within 3 to 5 steps
 * on the MLP and the reference CNN with damping {@code 1e-6} or {@code 1e-4} absolute and {@code 1e-3} relative:
 * roots computed from the first batch (rank at most {@code N P}) multiply every direction the next batches add
 * by up to {@code eps^-1/2}. The defaults shrink each factor toward its mean eigenvalue in proportion to
 * {@code dimension / effective rows} ({@link KroneckerSettings#shrinkage()}, see {@link KroneckerFactor}): strong
 * while a factor is young, negligible once it has seen many more rows than its size. With it every one of those
 * dampings trains on the MLP, and every one we ran on the CNN. Trace rescaling of stale roots is on as well; it costs a sum of squares per
 * step and targets gradients that grow between refreshes, though our runs showed no measurable effect of it.
 * See the maintainer notes for the measurements.</dd>
 * <dt>Cost</dt>
 * <dd>Per step: trace tracking, factor updates every {@code T_cov} steps ({@code O(N P in^2)}, the largest cost
 * for convolutions, hence the sampling of images), and two products per layer
 * ({@code O(in^2 out + in out^2)}); every {@code T_int} steps one eigendecomposition and root per factor
 * ({@code O(in^3)}; about 4.5 s on one core for the reference CNN's 3137-wide fc1 factor), on the training thread or, with a
 * pool, on another core.</dd>
 * <dt>Determinism</dt>
 * <dd>Results depend only on the data and the settings, not on timing: asynchronous roots are installed at a fixed
 * step, and the synchronous and asynchronous modes agree bit for bit when {@code asyncDelay} is 0.</dd>
 * <dt>Failures</dt>
 * <dd>Non-finite statistics (a NaN or infinity in a layer's inputs, output gradients or factors) throw
 * {@link ArithmeticException} at the step they appear, for the trainer's non-finite policy. A decomposition that
 * every solver of the retry chain refuses does not stop training: the layer keeps its previous roots (or, before
 * its first ones, passes its gradients through unpreconditioned), the failure is logged and counted in
 * {@link #rootFailures()}, a metric the CLI writes per epoch.</dd>
 * <dt>Threading</dt>
 * <dd>Driven by one training thread. Kernels run on the given {@link Parallelism} team; asynchronous
 * decompositions on the caller's pool, which this class neither owns nor closes. {@link #awaitRoots()} waits
 * explicitly; {@link #precondition} waits only for roots due at its step.</dd>
 * <dt>Memory</dt>
 * <dd>About {@code 2 ((in+1)^2 + out^2)} floats per layer (factors and roots) plus a gradient-sized scratch;
 * asynchronous refreshes hold float64 snapshots while they run.</dd>
 * </dl>
 */
public final class KroneckerPreconditioner implements Preconditioner {
    /*
     * Maintainer notes: the measurements behind the defaults. Fashion-MNIST, batch 128, lr 0.01, gamma 0.05, seed 1,
     * on a 2-core AVX-512 machine shared with other jobs (timings are noisy); produced with
     * KroneckerExperimentTool (src/test), which documents its command line.
     *
     * Divergence without safeguards (T_int 20, 10k-image subset): MLP diverged (loss > 1e3) at step 3 (factored
     * 1e-6), 5 (1e-4), 5 (relative 1e-3), 4 (eigenbasis 1e-6); relative 0.3 and absolute 1e-3 trained. CNN:
     * factored 1e-6 diverged at step 3.
     *
     * Shrinkage coefficient c, factored 1e-6, T_int 20: MLP (200 steps) diverged at step 7 (c = 0.001) and 11
     * (0.003); trained with c = 0.01 / 0.03 / 0.1 / 0.3 / 1, mean loss of the last 20 steps 0.169 / 0.193 /
     * 0.218 / 0.243 / 0.284 (absolute 1e-3 without shrinkage 0.212; SGD 0.59). CNN (100 steps, factored and
     * eigenbasis 1e-6): trained with c = 0.01 / 0.03 / 0.1 / 1, last-20 loss 0.248 / 0.273 / 0.305 / 0.359.
     * Default c = 0.1, ten times the smallest value seen stable on either model.
     *
     * Trace rescaling: MLP 600 steps, last-20 loss 0.0401 with, 0.0410 without; CNN, T_int 100, per-epoch test
     * loss 0.879 / 0.432 / 0.398 with, 0.785 / 0.457 / 0.401 without: no measurable effect either way.
     *
     * Cheaper schedule (T_cov 4, a quarter of the images for convolution factors, T_int 100) against
     * reference() (T_cov 1, T_int 20, all images), CNN on a 20k-image subset, test loss per epoch: reference
     * 0.441 / 0.376 / 0.438; defaults with a pool (delay 20) 0.424 / 0.365 / 0.381; defaults synchronous 0.470 /
     * 0.384 / 0.401; SGD 0.865 / 0.611 / 0.577. MLP, full data: reference 0.337 / 0.315 / 0.315, defaults
     * 0.344 / 0.314 / 0.312, SGD 0.534 / 0.484 / 0.460.
     *
     * Time per CNN step, one kernel thread, mean of 200 steps after 20: SGD 126 ms; defaults 125 + 40 ms in a
     * window without root refreshes (1.31x), 127 + 86 ms with them, synchronous (1.69x), 159 + 52 ms with a
     * one-thread pool and delay 50 (1.66x: the pool shared the second core with other jobs, slowing the GEMMs);
     * reference() 130 + 424 ms (4.4x, 60 steps). Per layer (PreconditionerBenchmark, one thread, quiet machine):
     * factor update conv1 8.6 / conv2 105 / fc1 11.4 ms with all images, 1.6 / 26 / 13 ms with a quarter; apply
     * fc1 26 ms factored, 65 ms eigenbasis, conv2 0.4 ms; roots fc1 4.4 to 4.7 s, conv2 82 ms, fc2 5 ms; trace
     * tracking under 3 ms; the diagonal preconditioner 0.2 ms for all layers. So the defaults spend about 10 ms on
     * factors, 26 ms applying and 47 ms (amortized) on roots per step, the roots on another core when a pool is
     * given.
     *
     * Truncated roots (rank 256 for factors above 512, partial dsyevr), measured 2026-11-28 on the same machine
     * shared with an experiment grid (wall times inflated; CPU times of the training thread from bench train).
     * CNN, 20k-image subset, seed 1, one kernel thread, KroneckerExperimentTool epochs, test loss per epoch:
     * reference() 0.4618 / 0.4199 / 0.4210; defaults with a pool (delay 50, rank 256) 0.4275 / 0.3539 / 0.4109;
     * the same with full roots (rank 0) 0.4392 / 0.3521 / 0.3968. bench train --threads 1, CPU ms per step of the
     * training thread: SGD 111.6-114.4; defaults 134.2-144.4 (1.20-1.26x), full roots 156.1 (1.40x), synchronous
     * 178.0; CPU of the root pool per step 39.4 ms with full dsyevd, 26.6 ms with the partial decomposition.
     * MLP (dense1's 785x785 factor truncated), full data, same tool: reference() 0.3364 / 0.3131 / 0.3130;
     * defaults 0.3427 / 0.3150 / 0.3143; full roots 0.3419 / 0.3146 / 0.3118; SGD 0.5337 / 0.4842 / 0.4599.
     *
     * Warm-started refreshes of truncated roots (SubspaceIteration, 2 iterations + Rayleigh-Ritz), quiet machine:
     * root pool CPU per CNN step 24.1 -> 3.8 ms; bench train wall ms per step at 2 threads SGD 72.7, defaults
     * 87.6 / 89.0 (1.20-1.22x; 100.7-103.7 with exact partial refreshes, 1.34-1.39x); at 1 thread defaults 139.1
     * against SGD 116.6 (1.19x). Test loss per epoch, same tools as above: CNN 0.4445 / 0.3522 / 0.3995, MLP
     * 0.3432 / 0.3162 / 0.3095, within the spread of the rows above.
     */
    private static final Logger LOG = Logger.getLogger(KroneckerPreconditioner.class.getName());

    private final List<KroneckerFactorSource> sources;
    private final List<KroneckerFactor> factors;
    private final List<ArrayDeque<Pending>> pending;
    private final DiagonalPreconditioner others;
    private final KroneckerSettings settings;
    private final Parallelism team;
    private final EigenPool pool;
    private final SymmetricEigensolver solver;
    private long lastStep;
    private long rootFailures;

    /** Roots submitted to the pool and the step at which they take effect. */
    private record Pending(long due, CompletableFuture<KroneckerRoots> roots) {
    }

    /**
     * A preconditioner that decomposes synchronously, on {@code team}, with {@link SymmetricEigensolver#active()}.
     * Turns on Kronecker capture in every Dense and Conv2d layer of {@code model}.
     */
    public KroneckerPreconditioner(Model model, KroneckerSettings settings, Parallelism team) {
        this(model, settings, team, null);
    }

    /**
     * A preconditioner that decomposes on {@code pool} (asynchronously), or synchronously when {@code pool} is
     * null. Turns on Kronecker capture in every Dense and Conv2d layer of {@code model}.
     *
     * @param model    the model whose parameters are preconditioned: its {@link Model#parameters()} in order
     * @param settings hyper-parameters
     * @param team     the thread team for factor updates, products and synchronous decompositions
     * @param pool     the pool for asynchronous decompositions, or null
     */
    public KroneckerPreconditioner(Model model, KroneckerSettings settings, Parallelism team, EigenPool pool) {
        this.settings = settings;
        this.team = team;
        this.pool = pool;
        this.solver = pool == null ? SymmetricEigensolver.active() : pool.solver();
        this.sources = List.copyOf(model.kroneckerFactorSources());
        this.factors = new ArrayList<>(sources.size());
        this.pending = new ArrayList<>(sources.size());
        Set<Parameter> covered = new HashSet<>();
        for (KroneckerFactorSource s : sources) {
            s.setKroneckerCapture(true);
            factors.add(KroneckerFactor.forLayer(s, settings, team));
            pending.add(new ArrayDeque<>());
            covered.add(s.weight());
            covered.add(s.bias());
        }
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (!covered.contains(p)) {
                rest.add(p);
            }
        }
        this.others = new DiagonalPreconditioner(rest, settings.diagonalDecay(), settings.diagonalEpsilon());
    }

    /** The settings this preconditioner runs with. */
    public KroneckerSettings settings() {
        return settings;
    }

    /** The per-layer factors, in layer order (for inspection and benchmarks; do not drive them directly). */
    public List<KroneckerFactor> factors() {
        return List.copyOf(factors);
    }

    /** The parameters outside Dense and Conv2d layers, which get the diagonal preconditioner. */
    public List<Parameter> diagonalParameters() {
        return others.parameters();
    }

    /**
     * @throws IllegalStateException    if {@code step} does not exceed the previous step, or a layer's factors
     *                                  were not captured (no training backward since the last forward)
     * @throws ArithmeticException      if a factor or a preconditioned gradient is not finite, naming the layer,
     *                                  the step and the quantity (a failed decomposition does not throw: see
     *                                  {@link #rootFailures()})
     */
    @Override
    public void precondition(long step) {
        if (step <= lastStep) {
            throw new IllegalStateException("preconditioner steps must increase: got step " + step + " after "
                    + lastStep);
        }
        installDue(step);
        boolean updateFactors = settings.updatesFactorsAt(step);
        for (int i = 0; i < factors.size(); i++) {
            factors.get(i).observe(sources.get(i), step, updateFactors);
        }
        if (lastStep == 0 || settings.refreshesRootsAt(step)) {
            refresh(step);
        }
        for (int i = 0; i < factors.size(); i++) {
            KroneckerFactorSource s = sources.get(i);
            if (factors.get(i).hasRoots()) {
                factors.get(i).precondition(s.weight(), s.bias(), step);
            }
        }
        others.precondition(step);
        lastStep = step;
    }

    private void refresh(long step) {
        if (pool == null || lastStep == 0) {
            KroneckerRoots[] fresh = new KroneckerRoots[factors.size()];
            ArithmeticException[] failed = new ArithmeticException[factors.size()];
            team.run(fresh.length, i -> {
                try {
                    fresh[i] = factors.get(i).computeRoots(solver, step);
                } catch (ArithmeticException e) {
                    failed[i] = e;
                }
            });
            for (int i = 0; i < fresh.length; i++) {
                if (fresh[i] != null) {
                    factors.get(i).install(fresh[i]);
                } else {
                    recordFailure(i, failed[i]);
                }
            }
            return;
        }
        for (int i = 0; i < factors.size(); i++) {
            pending.get(i).add(new Pending(step + settings.asyncDelay(), factors.get(i).submitRoots(pool, step)));
        }
        installDue(step);
    }

    private void installDue(long step) {
        for (int i = 0; i < factors.size(); i++) {
            ArrayDeque<Pending> queue = pending.get(i);
            while (!queue.isEmpty() && queue.peek().due() <= step) {
                Pending p = queue.poll();
                ArithmeticException failure = failure(i, p);
                if (failure == null) {
                    factors.get(i).install(p.roots().join());
                } else {
                    recordFailure(i, failure);
                }
            }
        }
    }

    /**
     * The failure of a finished decomposition as the exception naming its layer and step, or null if it succeeded.
     * Only the solvers' {@link ArithmeticException}s count as eigensolver trouble; anything else is a bug and is
     * rethrown.
     */
    private ArithmeticException failure(int layer, Pending p) {
        try {
            p.roots().join();
            return null;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ArithmeticException) {
                return factors.get(layer).rootFailure(p.due() - settings.asyncDelay(), cause);
            }
            throw e;
        }
    }

    /*
     * A refresh whose every solver failed leaves the layer with its previous roots (or, before its first roots,
     * with unpreconditioned gradients) instead of stopping training; the count is the metric and the first failure
     * is logged as the one warning (later ones at FINE), as the eigensolver chain does for its fallbacks.
     */
    private void recordFailure(int layer, ArithmeticException e) {
        rootFailures++;
        Level level = rootFailures == 1 ? Level.WARNING : Level.FINE;
        if (LOG.isLoggable(level)) {
            LOG.log(level, e.getMessage() + "; layer " + factors.get(layer).layer() + " keeps "
                    + (factors.get(layer).hasRoots() ? "its roots from step " + factors.get(layer).rootStep()
                    : "unpreconditioned gradients until a refresh succeeds"));
        }
    }

    /**
     * How many layer refreshes failed so far: every solver of the retry chain ({@link SymmetricEigensolver#active()})
     * threw on one of the layer's factors. Training goes on: the layer keeps its previous roots, or, if it never had
     * any, its gradients pass unpreconditioned. Counted when the roots would have been installed; part of the
     * exported state.
     */
    public long rootFailures() {
        return rootFailures;
    }

    /**
     * Waits until every submitted decomposition has finished, successfully or not. Does not install them early:
     * they still take effect (or count as failures) at their due step, so results do not depend on when this is
     * called.
     */
    public void awaitRoots() {
        for (ArrayDeque<Pending> queue : pending) {
            for (Pending p : queue) {
                p.roots().handle((r, e) -> null).join();
            }
        }
    }

    @Override
    public String describe() {
        return "kronecker(" + settings.describe() + ", roots=" + (pool == null ? "synchronous" : "asynchronous")
                + ")";
    }

    /** Waits for pending decompositions ({@link #awaitRoots()}) and exports them with everything else. */
    @Override
    public void exportState(OptimizerState state, String prefix) {
        awaitRoots();
        String p = prefix + "kronecker/";
        state.putLong(p + "lastStep", lastStep);
        state.putLong(p + "rootFailures", rootFailures);
        for (int i = 0; i < factors.size(); i++) {
            KroneckerFactor f = factors.get(i);
            f.exportState(state, p);
            ArrayDeque<Pending> queue = pending.get(i);
            state.putLong(p + f.layer() + "/pending", queue.size());
            int k = 0;
            for (Pending q : queue) {
                String name = p + f.layer() + "/pending/" + k++ + "/";
                state.putLong(name + "due", q.due());
                ArithmeticException failure = failure(i, q);
                state.putLong(name + "failed", failure == null ? 0 : 1);
                if (failure == null) {
                    KroneckerFactor.exportRoots(state, name, q.roots().join());
                } else {
                    state.putString(name + "failure", String.valueOf(failure.getCause().getMessage()));
                }
            }
        }
        others.exportState(state, prefix);
    }

    /**
     * Restores a state exported with the same model and settings. Asynchronous roots that were pending come back
     * as finished and still take effect at their due step.
     */
    @Override
    public void importState(OptimizerState state, String prefix) {
        String p = prefix + "kronecker/";
        long restoredStep = state.longValue(p + "lastStep");
        // Checkpoints written before failures were counted hold none.
        long restoredFailures = state.longs().getOrDefault(p + "rootFailures", 0L);
        List<ArrayDeque<Pending>> restored = new ArrayList<>();
        for (KroneckerFactor f : factors) {
            ArrayDeque<Pending> queue = new ArrayDeque<>();
            long count = state.longValue(p + f.layer() + "/pending");
            for (int k = 0; k < count; k++) {
                String name = p + f.layer() + "/pending/" + k + "/";
                boolean failed = state.longs().getOrDefault(name + "failed", 0L) != 0;
                queue.add(new Pending(state.longValue(name + "due"), failed
                        ? CompletableFuture.failedFuture(new ArithmeticException(state.string(name + "failure")))
                        : CompletableFuture.completedFuture(f.importRoots(state, name))));
            }
            restored.add(queue);
        }
        List<Runnable> commits = new ArrayList<>();
        for (KroneckerFactor f : factors) {
            commits.add(f.prepareImport(state, p));
        }
        others.importState(state, prefix);
        commits.forEach(Runnable::run);
        for (int i = 0; i < factors.size(); i++) {
            pending.get(i).clear();
            pending.get(i).addAll(restored.get(i));
        }
        lastStep = restoredStep;
        rootFailures = restoredFailures;
    }
}
