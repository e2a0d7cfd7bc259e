package geodesic.data;

import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Cuts a dataset into mini-batches, epoch by epoch, in a reproducible seeded order, optionally filling the next batch
 * in the background on a host-supplied {@link Executor}.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (BatchLoader loader = new BatchLoader(train, BatchOptions.shuffled(128, seed), hostExecutor)) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         loader.startEpoch(epoch);
 *         while (loader.hasNext()) {
 *             Batch batch = loader.next();   // [b, C, H, W] images and b labels
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <dl>
 *   <dt>Order</dt>
 *   <dd>With {@link BatchOptions#shuffle()}, epoch {@code e} visits the examples in the permutation
 *       {@link SeededOrder#epochPermutationInPlace} gives for {@code (seed, e)}: the same seed and epoch always give
 *       the same batches, different epochs give different orders, and the order does not depend on what earlier
 *       epochs did. Without shuffling the order is the dataset's. Full batches come first; a final partial batch of
 *       {@code N mod batchSize} examples is returned last unless {@link BatchOptions#dropLast()}.</dd>
 *   <dt>Resuming</dt>
 *   <dd>{@link #position()} names the next batch; {@link #seek} jumps to any position, so a checkpoint that stores
 *       the position resumes mid-epoch with exactly the batches that would have followed.</dd>
 *   <dt>Memory</dt>
 *   <dd>Batches are reused buffers (see {@link Batch}): one full-size batch without an executor, two with one
 *       (double buffering), plus one partial batch if the epoch ends with one. Nothing is allocated per batch once
 *       these exist, apart from whatever the host's executor allocates to run a task.</dd>
 *   <dt>Threading</dt>
 *   <dd>A loader is driven by one thread at a time (the consumer); it is not safe for concurrent calls. With an
 *       executor, each {@link #next()} hands the following batch of the same epoch to {@code executor.execute}, and
 *       {@link #startEpoch}/{@link #seek} hand over the first batch to read; that task only reads the dataset and
 *       writes the one buffer the consumer is not holding. The next {@code next()} waits for it; its writes happen
 *       before {@code next()} returns. Without an executor, or if the executor rejects the task, batches are filled
 *       on the consumer thread inside {@code next()}. The loader never creates threads. The dataset must not be
 *       modified while a loader uses it.</dd>
 *   <dt>Failures</dt>
 *   <dd>A failure inside a prefetch task is rethrown by the {@code next()} that would have returned its batch
 *       ({@link Error}s as they are, anything else wrapped in {@link IllegalStateException}). An interrupt while
 *       waiting for a prefetch throws {@link CancellationException} with the interrupt flag kept; the prefetch
 *       stays pending and a later call waits for it again. An executor that never runs submitted tasks makes
 *       {@code next()} wait until interrupted.</dd>
 * </dl>
 */
public final class BatchLoader implements AutoCloseable {
    private final Dataset data;
    private final BatchOptions options;
    private final Executor executor;
    private final int[] order;
    private final Batch[] full;
    private final int tailSize;
    private final int batchesPerEpoch;
    private final Prefetch prefetch;
    private Batch tail;
    private int epoch;
    private int orderEpoch = -1;
    private int nextBatch;
    private boolean inFlight;
    private boolean closed;

    /**
     * A loader positioned at the start of epoch 0; nothing is read until {@link #startEpoch}, {@link #seek} or
     * {@link #next()}.
     *
     * @param prefetchExecutor runs background batch fills, or {@code null} to fill synchronously in {@code next()}
     * @throws IllegalArgumentException if {@code dropLast} is set and the dataset is smaller than one batch
     */
    public BatchLoader(Dataset data, BatchOptions options, Executor prefetchExecutor) {
        int n = data.size();
        int b = options.batchSize();
        int fullBatches = n / b;
        int remainder = n % b;
        if (fullBatches == 0 && options.dropLast()) {
            throw new IllegalArgumentException(data.name() + " has " + n + " examples, fewer than one batch of " + b
                    + ", and dropLast is set: every epoch would be empty");
        }
        this.data = data;
        this.options = options;
        this.executor = prefetchExecutor;
        this.order = new int[n];
        this.tailSize = options.dropLast() ? 0 : remainder;
        this.batchesPerEpoch = fullBatches + (tailSize > 0 ? 1 : 0);
        this.full = new Batch[fullBatches == 0 ? 0 : prefetchExecutor == null ? 1 : 2];
        this.prefetch = prefetchExecutor == null ? null : new Prefetch();
        prepareOrder();
    }

    /** Number of batches in every epoch. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The options this loader was built with. */
    public BatchOptions options() {
        return options;
    }

    /** The epoch and the index of the batch the next {@link #next()} returns. */
    public BatchPosition position() {
        return new BatchPosition(epoch, nextBatch);
    }

    /**
     * Moves to the first batch of {@code epoch}; same as {@code seek(new BatchPosition(epoch, 0))}.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative
     * @throws IllegalStateException    if the loader is closed
     */
    public void startEpoch(int epoch) {
        seek(new BatchPosition(epoch, 0));
    }

    /**
     * Moves to {@code position}; a pending prefetch is waited for and discarded. Batches returned earlier become
     * invalid.
     *
     * @throws IllegalArgumentException if {@code position.batch()} exceeds {@link #batchesPerEpoch()} (equal means
     *                                  "at the end of that epoch")
     * @throws IllegalStateException    if the loader is closed
     * @throws CancellationException    if interrupted while waiting for a pending prefetch
     */
    public void seek(BatchPosition position) {
        requireOpen();
        if (position.batch() > batchesPerEpoch) {
            throw new IllegalArgumentException("batch " + position.batch() + " is past the end of an epoch of "
                    + batchesPerEpoch + " batches");
        }
        if (inFlight) {
            prefetch.awaitDone();
            inFlight = false;
        }
        epoch = position.epoch();
        nextBatch = position.batch();
        prepareOrder();
        submitNext();
    }

    /** Whether the current epoch has a batch left. */
    public boolean hasNext() {
        return nextBatch < batchesPerEpoch;
    }

    /**
     * The next batch of the current epoch; valid until the next call to {@code next}, {@code startEpoch},
     * {@code seek} or {@code close}.
     *
     * @throws NoSuchElementException if the epoch has no batch left
     * @throws IllegalStateException  if the loader is closed, or a prefetch task failed
     * @throws CancellationException  if interrupted while waiting for the prefetched batch
     */
    public Batch next() {
        requireOpen();
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no batch left (" + batchesPerEpoch
                    + " per epoch); call startEpoch(" + (epoch + 1) + ")");
        }
        Batch batch;
        if (inFlight) {
            prefetch.awaitDone();
            inFlight = false;
            batch = prefetch.result();
        } else {
            batch = slot(nextBatch);
            fill(batch, epoch, nextBatch);
        }
        nextBatch++;
        submitNext();
        return batch;
    }

    /**
     * Stops handing out batches. Idempotent; does not wait for a prefetch still running, which finishes into a
     * buffer no one reads.
     */
    @Override
    public void close() {
        closed = true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("batch loader for " + data.name() + " is closed");
        }
    }

    private void prepareOrder() {
        if (!options.shuffle()) {
            if (orderEpoch < 0) {
                SeededOrder.identityInPlace(order);
                orderEpoch = 0;
            }
        } else if (orderEpoch != epoch) {
            SeededOrder.epochPermutationInPlace(order, options.seed(), epoch);
            orderEpoch = epoch;
        }
    }

    private Batch slot(int index) {
        if (index * options.batchSize() + options.batchSize() > data.size()) {
            if (tail == null) {
                tail = new Batch(tailSize, data.channels(), data.height(), data.width());
            }
            return tail;
        }
        Batch[] slots = full;
        int s = index % slots.length;
        if (slots[s] == null) {
            slots[s] = new Batch(options.batchSize(), data.channels(), data.height(), data.width());
        }
        return slots[s];
    }

    private void submitNext() {
        if (executor == null || !hasNext()) {
            return;
        }
        prefetch.prepare(slot(nextBatch), epoch, nextBatch);
        try {
            executor.execute(prefetch);
            inFlight = true;
        } catch (RejectedExecutionException e) {
            inFlight = false;
        }
    }

    /** Copies the examples of batch {@code index} of the current order into {@code batch}. */
    private void fill(Batch batch, int batchEpoch, int index) {
        int e = data.exampleSize();
        float[] src = data.pixels();
        int[] srcLabels = data.labelArray();
        float[] dst = batch.pixelArray();
        int[] dstLabels = batch.labels();
        int start = index * options.batchSize();
        for (int i = 0; i < dstLabels.length; i++) {
            int example = order[start + i];
            System.arraycopy(src, example * e, dst, i * e, e);
            dstLabels[i] = srcLabels[example];
        }
        batch.label(batchEpoch, index);
    }

    /**
     * The one reusable background task. Its fields are handed over under its monitor in both directions, so the
     * hand-off is safe whatever memory guarantees the host's executor gives.
     */
    private final class Prefetch implements Runnable {
        private Batch target;
        private int targetEpoch;
        private int targetIndex;
        private boolean done = true;
        private Throwable failure;

        synchronized void prepare(Batch batch, int batchEpoch, int index) {
            target = batch;
            targetEpoch = batchEpoch;
            targetIndex = index;
            done = false;
            failure = null;
        }

        @Override
        public void run() {
            Batch batch;
            int batchEpoch;
            int index;
            synchronized (this) {
                batch = target;
                batchEpoch = targetEpoch;
                index = targetIndex;
            }
            Throwable thrown = null;
            try {
                fill(batch, batchEpoch, index);
            } catch (Throwable t) {
                thrown = t;
            }
            synchronized (this) {
                failure = thrown;
                done = true;
                notifyAll();
            }
        }

        synchronized void awaitDone() {
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while waiting for batch " + targetIndex
                            + " of epoch " + targetEpoch + " of " + data.name());
                }
            }
        }

        synchronized Batch result() {
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure != null) {
                throw new IllegalStateException("filling batch " + targetIndex + " of epoch " + targetEpoch + " of "
                        + data.name() + " failed", failure);
            }
            return target;
        }
    }
}
