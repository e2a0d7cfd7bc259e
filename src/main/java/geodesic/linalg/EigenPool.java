package geodesic.linalg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decomposes several symmetric matrices at once on a small fixed pool, for the asynchronous root refreshes of an
 * optimizer: each layer's factors are independent, and each decomposition is single-threaded, so a pool as wide as
 * the free cores keeps them busy without oversubscribing OpenBLAS.
 *
 * <dl>
 * <dt>Snapshots</dt>
 * <dd>{@code submit} copies the matrix before it returns, so the caller may keep updating its factor while the
 * decomposition runs.</dd>
 * <dt>Threading</dt>
 * <dd>{@code threads} daemon threads named {@code geodesic-eigen-N}; tasks queue without bound and run in
 * submission order as threads free up. All methods are thread-safe. A returned future completes on a pool thread;
 * dependent actions attached before completion run on that pool thread, later ones on the attaching thread.
 * Actions in a task happen-before the completion of its future.</dd>
 * <dt>Failures</dt>
 * <dd>Shape errors throw from {@code submit}; everything the solver or the follow-up function throws (NaN input,
 * non-convergence) completes the future exceptionally instead.</dd>
 * <dt>Closing</dt>
 * <dd>{@link #close()} is idempotent and does not wait: queued and running tasks still complete, new submissions
 * are refused.</dd>
 * </dl>
 */
public final class EigenPool implements AutoCloseable {
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final SymmetricEigensolver solver;
    private final int threads;
    private final ExecutorService executor;

    private EigenPool(SymmetricEigensolver solver, int threads) {
        this.solver = solver;
        this.threads = threads;
        int poolId = POOL_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, "geodesic-eigen-" + poolId + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory);
    }

    /**
     * A pool of {@code threads} threads running {@code solver}.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static EigenPool of(SymmetricEigensolver solver, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("an eigen pool needs at least 1 thread, got " + threads);
        }
        return new EigenPool(solver, threads);
    }

    /**
     * A pool running {@link SymmetricEigensolver#active()} on {@code min(2, available processors)} threads.
     *
     * @throws IllegalArgumentException if {@code -Dgeodesic.eigensolver} is invalid
     */
    public static EigenPool withDefaults() {
        return of(SymmetricEigensolver.active(), Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** The solver every task runs. */
    public SymmetricEigensolver solver() {
        return solver;
    }

    /** The number of pool threads. */
    public int threads() {
        return threads;
    }

    /**
     * Decomposes a snapshot of the row-major {@code n x n} matrix {@code a}.
     *
     * @throws IllegalArgumentException if {@code a.length != n * n} or {@code n < 1}
     * @throws IllegalStateException    if the pool was closed
     */
    public CompletableFuture<SymmetricEigen> submit(double[] a, int n) {
        SymmetricInput.checkShape(a.length, n);
        double[] snapshot = a.clone();
        return run(() -> solver.decompose(snapshot, n));
    }

    /** The float32 variant of {@link #submit(double[], int)}, with the same contract. */
    public CompletableFuture<SymmetricEigen> submit(float[] a, int n) {
        SymmetricInput.checkShape(a.length, n);
        float[] snapshot = a.clone();
        return run(() -> solver.decompose(snapshot, n));
    }

    /**
     * Decomposes a snapshot of the float32 matrix {@code a} and applies {@code then} to the result on the same pool
     * thread, e.g. {@code e -> e.inverseRoot(0.5, eps)}, so that the {@code O(n^3)} follow-up also stays off the
     * caller's thread.
     *
     * @throws IllegalArgumentException if {@code a.length != n * n} or {@code n < 1}
     * @throws IllegalStateException    if the pool was closed
     */
    public <T> CompletableFuture<T> submit(float[] a, int n, Function<SymmetricEigen, T> then) {
        SymmetricInput.checkShape(a.length, n);
        float[] snapshot = a.clone();
        return run(() -> then.apply(solver.decompose(snapshot, n)));
    }

    /**
     * Runs {@code task} on a snapshot of the row-major {@code n x n} float32 matrix {@code a} on a pool thread, for
     * decompositions that need more than the pool's solver (the solver is {@link #solver()}).
     *
     * @throws IllegalArgumentException if {@code a.length != n * n} or {@code n < 1}
     * @throws IllegalStateException    if the pool was closed
     */
    public <T> CompletableFuture<T> submitSnapshot(float[] a, int n, Function<float[], T> task) {
        SymmetricInput.checkShape(a.length, n);
        float[] snapshot = a.clone();
        return run(() -> task.apply(snapshot));
    }

    private <T> CompletableFuture<T> run(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, executor);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the eigen pool was closed", e);
        }
    }

    /** Refuses new tasks; queued and running ones complete. Idempotent; does not wait. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
