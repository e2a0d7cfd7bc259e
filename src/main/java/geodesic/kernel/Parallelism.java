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
 * {@code run} on one team from different threads are serialized; use one team per concurrently training model.
 * A call made from inside a part of the same team (nested) runs its parts on the calling thread instead of
 * waiting for the team, so it cannot deadlock.
 *
 * <p><b>Failures.</b> Every part runs even when another part throws. The first exception thrown by a part is
 * rethrown to the caller of {@code run} after all parts finished; later exceptions are added to it as suppressed.
 * Checked exceptions (which an {@link IntConsumer} can only throw by cheating) arrive wrapped in an
 * {@link IllegalStateException}.
 *
 * <p><b>Memory consistency.</b> Actions of the caller before {@code run} happen-before every part, and every part
 * happens-before {@code run} returns or throws.
 */
public final class Parallelism implements AutoCloseable {
    /*
     * Maintainer notes. The caller publishes a Job through the volatile field `job` and unparks the workers; a
     * worker that was about to park keeps the unpark as a permit, so no wake-up is lost. Parts are claimed with
     * one atomic counter and counted down with another; the part that brings `remaining` to zero unparks the
     * caller, which re-checks the counter after every (possibly spurious) wake-up. Workers compare the job they
     * read with the last one they drained, so a late worker at most claims nothing from a finished job.
     * `owner` is the thread inside the synchronized section; it and the workers run nested calls inline, since
     * waiting for the lock (owner's workers) or for the team (owner itself) would deadlock.
     */
    private static final Parallelism SEQUENTIAL = new Parallelism(1);
    /**
     * Idle spins before a worker parks, and before a caller parks to wait for the workers: kernel calls come in
     * quick succession during a training step, and parts of one call end close together.
     */
    private static final int SPINS_BEFORE_PARK = 2000;

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private volatile Job job;
    private volatile boolean closed;
    private volatile Thread owner;

    /** One call of {@link #run}: workers that wake late only ever touch the job they read. */
    private static final class Job {
        final IntConsumer body;
        final int parts;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        private Throwable failure;

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
                    record(t);
                }
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        synchronized void record(Throwable t) {
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
        }

        synchronized Throwable failure() {
            return failure;
        }
    }

    private Parallelism(int threads) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workLoop, "geodesic-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    /** The single-threaded team: {@code run} executes all parts on the caller. Closing it has no effect. */
    public static Parallelism sequential() {
        return SEQUENTIAL;
    }

    /**
     * A team of {@code threads} threads (the caller plus {@code threads - 1} workers); {@code of(1)} is
     * {@link #sequential()}.
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
     * Runs {@code part.accept(i)} for every {@code i} in {@code [0, parts)} and waits for all of them; does
     * nothing when {@code parts <= 0}.
     *
     * @throws IllegalStateException if the team was closed
     */
    public void run(int parts, IntConsumer part) {
        if (closed) {
            throw new IllegalStateException("Parallelism team was closed");
        }
        if (parts <= 0) {
            return;
        }
        Thread me = Thread.currentThread();
        if (threads == 1 || parts == 1 || me == owner || isWorker(me)) {
            Job j = new Job(part, parts, me);
            j.drain();
            rethrow(j.failure());
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Parallelism team was closed");
            }
            owner = me;
            Job j = new Job(part, parts, me);
            try {
                job = j;
                for (Thread w : workers) {
                    LockSupport.unpark(w);
                }
                j.drain();
                // Spin before parking: a parked caller waits for the last worker's unpark, a futex wake-up that
                // cost more than a small GEMM (784 x 32 x 25 ran at a third of OpenBLAS's speed on two threads).
                for (int spin = 0; spin < SPINS_BEFORE_PARK && j.remaining.get() > 0; spin++) {
                    Thread.onSpinWait();
                }
                while (j.remaining.get() > 0) {
                    LockSupport.park(this);
                }
            } finally {
                job = null;
                owner = null;
            }
            rethrow(j.failure());
        }
    }

    private boolean isWorker(Thread t) {
        for (Thread w : workers) {
            if (w == t) {
                return true;
            }
        }
        return false;
    }

    private static void rethrow(Throwable f) {
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException("a parallel part threw " + f, f);
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
            boolean woke = false;
            for (int spin = 0; spin < SPINS_BEFORE_PARK; spin++) {
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

    /**
     * Stops the worker threads; idempotent, returns without waiting. A call of {@link #run} in progress still
     * completes (its caller takes over the parts no worker claimed); later calls throw.
     */
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
