package geodesic.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that runs the independent parts of one kernel call.
 *
 * <p>{@link #run(int, IntConsumer)} executes {@code part(0) .. part(parts-1)}, each exactly once, with the calling
 * thread taking part, and returns when all are done. Kernels split their output into disjoint blocks and give each
 * block one part, so every output element is computed by one thread in a fixed order: results are bitwise
 * identical for any thread count.
 *
 * <p><b>Threading.</b> A team of {@code n} threads owns {@code n - 1} daemon worker threads, started on
 * construction and stopped by {@link #close()} (idempotent, does not wait for a running call). Calls to
 * {@code run} on one team are serialized; use one team per concurrently training model.
 *
 * <p><b>Failures.</b> An exception thrown by a part is rethrown to the caller of {@code run} after all parts
 * finished; later exceptions are added as suppressed.
 */
public final class Parallelism implements AutoCloseable {
    private static final Parallelism SEQUENTIAL = new Parallelism(1);

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private volatile Job job;
    private volatile boolean closed;

    /** One call of {@link #run}: workers that wake late only ever touch the job they read. */
    private static final class Job {
        final IntConsumer body;
        final int parts;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        Throwable failure;

        Job(IntConsumer body, int parts, Thread caller) {
            this.body = body;
            this.parts = parts;
            this.caller = caller;
            this.remaining = new AtomicInteger(parts);
        }

        void drain() {
            int i;
            while ((i = next.getAndIncrement()) < parts) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = t;
                        } else {
                            failure.addSuppressed(t);
                        }
                    }
                }
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private Parallelism(int threads) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workLoop, "geodesic-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The single-threaded team: {@code run} executes all parts on the caller. Closing it has no effect. */
    public static Parallelism sequential() {
        return SEQUENTIAL;
    }

    /**
     * A team of {@code threads} threads (the caller plus {@code threads - 1} workers).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static Parallelism of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SEQUENTIAL : new Parallelism(threads);
    }

    /** Number of threads, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code part.accept(i)} for every {@code i} in {@code [0, parts)} and waits for all of them.
     *
     * @throws IllegalStateException if the team was closed
     */
    public void run(int parts, IntConsumer part) {
        if (parts <= 0) {
            return;
        }
        if (threads == 1 || parts == 1) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Parallelism team was closed");
            }
            Job j = new Job(part, parts, Thread.currentThread());
            job = j;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            j.drain();
            while (j.remaining.get() > 0) {
                LockSupport.park(this);
            }
            job = null;
            Throwable f;
            synchronized (j) {
                f = j.failure;
            }
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }
    }

    private void workLoop() {
        Job done = null;
        while (!closed) {
            Job j = job;
            if (j != null && j != done) {
                j.drain();
                done = j;
                continue;
            }
            // Spin briefly: kernel calls come in quick succession during a training step.
            boolean woke = false;
            for (int spin = 0; spin < 4000; spin++) {
                Job k = job;
                if ((k != null && k != done) || closed) {
                    woke = true;
                    break;
                }
                Thread.onSpinWait();
            }
            if (!woke) {
                LockSupport.park(this);
            }
        }
    }

    /** Stops the worker threads; idempotent, returns without waiting. */
    @Override
    public void close() {
        if (this == SEQUENTIAL) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
