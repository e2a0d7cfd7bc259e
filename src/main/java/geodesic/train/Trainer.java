package geodesic.train;

import geodesic.data.Batch;
import geodesic.data.BatchLoader;
import geodesic.data.BatchOptions;
import geodesic.data.BatchPosition;
import geodesic.data.Dataset;
import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.nn.CrossEntropyLoss;
import geodesic.nn.Dropout;
import geodesic.nn.Mode;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import geodesic.optim.EpochAware;
import geodesic.optim.LearningRateSchedule;
import geodesic.optim.Optimizer;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

/**
 * Trains a model with an optimizer for a number of epochs of seeded mini-batches, evaluating after each epoch.
 *
 * <dl>
 *   <dt>One step</dt>
 *   <dd>zero gradients; {@code model.forward(x, TRAIN)}; softmax cross-entropy loss and its gradient;
 *       {@code model.backward}; {@code optimizer.step()}.</dd>
 *   <dt>One epoch</dt>
 *   <dd>the learning rate is set from the schedule (if any), every training batch takes one step, then the
 *       model is evaluated in eval mode on the validation and test sets (when given) and listeners get an
 *       {@link EpochMetrics}. An optimizer that is {@link EpochAware} (TSO-ALRA's switch rules) hears of the
 *       epoch's end, with the validation loss, before the listeners do.</dd>
 *   <dt>Determinism</dt>
 *   <dd>The batch order depends only on the seed and the epoch, and dropout masks only on the seed, the global step
 *       and the layer (the trainer re-seeds each {@link Dropout} layer before every step), so the same seed, model
 *       initialisation and thread count give identical losses.</dd>
 *   <dt>Threading</dt>
 *   <dd>{@link #fit} runs on the caller's thread, and so do the listeners. The trainer starts no threads: the
 *       next batch is prefetched on the host's {@link Executor} if one was given, and kernels use the model's own
 *       {@code Parallelism}.</dd>
 *   <dt>Numerical trouble</dt>
 *   <dd>A non-finite loss or gradient is found at the step where it appears, before the optimizer runs, and
 *       handled by the {@link NonFinitePolicy} (default: stop with a {@link NonFiniteException} naming the
 *       quantity, parameter, epoch, batch and step). A parameter the update made non-finite, or an
 *       {@link ArithmeticException} from the optimizer (e.g. non-finite preconditioner factors), stops training
 *       under every policy, since that step has already changed state.</dd>
 *   <dt>Checkpoints and resuming</dt>
 *   <dd>A {@link CheckpointListener} writes checkpoints after steps and at epoch ends. {@link Builder#resume}
 *       restores one into the model and optimizer and continues from its position with the same batches, so
 *       {@code k} steps, a checkpoint and {@code m} resumed steps give bit-identical parameters to {@code k + m}
 *       uninterrupted steps (same thread count; a resumed {@link TrainingResult} holds the epochs run after the
 *       resume). Listeners other than the checkpoint listener start afresh.</dd>
 * </dl>
 */
public final class Trainer {
    /** Keeps dropout seeds apart from other uses of the same seed. */
    private static final long DROPOUT_STREAM = 0x6a09e667f3bcc909L;

    private final Model model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final LearningRateSchedule schedule;
    private final int evaluationBatchSize;
    private final Executor prefetch;
    private final List<TrainingListener> listeners;
    private final NonFinitePolicy nonFinitePolicy;
    private final CheckpointListener checkpoints;
    private final Checkpoint resume;
    private final Elementwise ops = KernelProvider.get().elementwise();
    private final List<Dropout> dropout;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.schedule = b.schedule;
        this.evaluationBatchSize = b.evaluationBatchSize;
        this.prefetch = b.prefetch;
        this.listeners = List.copyOf(b.listeners);
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.checkpoints = b.checkpoints;
        this.resume = b.resume;
        this.dropout = b.model.layers().stream().filter(l -> l instanceof Dropout).map(l -> (Dropout) l).toList();
    }

    /** A builder with defaults: 1 epoch, batch 128, seed 0, no schedule (the optimizer's rate throughout). */
    public static Builder builder(Model model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /**
     * Trains on {@code train}, evaluating on {@code validation} and {@code test} after every epoch.
     *
     * @param validation evaluated each epoch, or {@code null}
     * @param test       evaluated each epoch, or {@code null}
     * @throws IllegalArgumentException if an example's shape does not match the model's input, or the checkpoint
     *                                  to resume from does not fit the model, optimizer, data or batch size
     * @throws NonFiniteException       if the loss, a gradient or the optimizer's state becomes NaN or infinite
     *                                  and the {@link NonFinitePolicy} does not skip it
     * @throws java.io.UncheckedIOException if writing a checkpoint fails
     */
    public TrainingResult fit(Dataset train, Dataset validation, Dataset test) {
        Objects.requireNonNull(train, "train");
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<EpochMetrics> history = new ArrayList<>();
        boolean stopped = false;
        try (BatchLoader loader = new BatchLoader(train, BatchOptions.shuffled(batchSize, seed), prefetch)) {
            TrainingProgress from = startingPoint(train, loader);
            TrainingPlan plan = new TrainingPlan(epochs, loader.batchesPerEpoch(), batchSize, train.size(),
                    optimizer.describe(), model.toString());
            listeners.forEach(l -> l.onStart(plan));
            long start = System.nanoTime();
            long globalStep = from.globalStep();
            long skipped = from.skippedSteps();
            int consecutiveSkips = 0;
            for (int epoch = from.epoch(); epoch <= epochs && !stopped; epoch++) {
                boolean resumedEpoch = epoch == from.epoch();
                int index = resumedEpoch ? from.batch() : 0;
                if (schedule != null && index == 0) {
                    optimizer.setLearningRate(schedule.rate(epoch));
                }
                double lr = optimizer.learningRate();
                loader.seek(new BatchPosition(epoch - 1, index));
                long epochStart = System.nanoTime();
                double lossSum = resumedEpoch ? from.epochLossSum() : 0;
                long images = resumedEpoch ? from.epochImages() : 0;
                while (loader.hasNext()) {
                    Batch batch = loader.next();
                    reseedDropout(globalStep + 1);
                    model.zeroGrad();
                    Tensor logits = model.forward(batch.images(), Mode.TRAIN);
                    double l = loss.forward(logits, batch.labels());
                    NonFiniteEvent trouble = Double.isFinite(l) ? null
                            : new NonFiniteEvent(epoch, index, globalStep + 1, NonFiniteEvent.Quantity.LOSS, "loss", l);
                    if (trouble == null) {
                        model.backward(loss.gradient());
                        trouble = firstNonFiniteGradient(epoch, index, globalStep + 1);
                    }
                    if (trouble != null) {
                        skipped++;
                        skipOrStop(trouble, ++consecutiveSkips);
                        model.zeroGrad();
                        index++;
                        continue;
                    }
                    consecutiveSkips = 0;
                    stepOptimizer(epoch, index, globalStep + 1);
                    requireFiniteParameters(epoch, index, globalStep + 1);
                    globalStep++;
                    lossSum += l * batch.size();
                    images += batch.size();
                    StepMetrics step = new StepMetrics(epoch, index, loader.batchesPerEpoch(), globalStep, l, images,
                            (System.nanoTime() - epochStart) * 1e-9);
                    for (TrainingListener listener : listeners) {
                        listener.onStep(step);
                    }
                    index++;
                    if (checkpoints != null) {
                        checkpoints.afterStep(model, optimizer, progress(epoch, index, globalStep, lossSum, images,
                                skipped, loader, train));
                    }
                }
                double seconds = (System.nanoTime() - epochStart) * 1e-9;
                Evaluation v = validation == null ? null : Evaluation.of(model, validation, evaluationBatchSize);
                Evaluation t = test == null ? null : Evaluation.of(model, test, evaluationBatchSize);
                if (optimizer instanceof EpochAware aware) {
                    aware.onEpochEnd(epoch, v == null ? Double.NaN : v.loss());
                }
                EpochMetrics m = new EpochMetrics(epoch, lossSum / images,
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                        t == null ? Double.NaN : t.loss(), t == null ? Double.NaN : t.accuracy(),
                        lr, seconds, (System.nanoTime() - start) * 1e-9, images);
                history.add(m);
                for (TrainingListener listener : listeners) {
                    listener.onEpoch(m);
                }
                for (TrainingListener listener : listeners) {
                    if (listener.shouldStop() && epoch < epochs) {
                        stopped = true;
                    }
                }
                // Last in the epoch, so that the checkpoint holds everything the epoch's end changed.
                if (checkpoints != null) {
                    checkpoints.afterEpoch(model, optimizer, progress(epoch + 1, 0, globalStep, 0, 0, skipped,
                            loader, train), epoch, stopped || epoch == epochs);
                }
            }
        }
        TrainingResult result = new TrainingResult(history, stopped);
        listeners.forEach(l -> l.onFinish(result));
        return result;
    }

    /**
     * Seeds every dropout layer from the data-order seed, the step and the layer's position, so that masks depend on
     * where training is and not on a generator's history, which no checkpoint could restore.
     */
    private void reseedDropout(long step) {
        if (dropout.isEmpty()) {
            return;
        }
        SplittableRandom r = new SplittableRandom(mix(seed ^ mix(step + DROPOUT_STREAM)));
        for (Dropout d : dropout) {
            d.initialize(r.nextLong());
        }
    }

    /** The MurmurHash3 64-bit finaliser: nearby inputs give unrelated generator seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** A fresh start, or the resumed checkpoint's progress after checking it fits and restoring it. */
    private TrainingProgress startingPoint(Dataset train, BatchLoader loader) {
        if (resume == null) {
            return new TrainingProgress(1, 0, 0, seed, batchSize, loader.batchesPerEpoch(), train.size(), 0, 0, 0);
        }
        TrainingProgress p = resume.progress();
        requireSame("data-order seed", p.seed(), seed);
        requireSame("batch size", p.batchSize(), batchSize);
        requireSame("training-set size", p.trainSize(), train.size());
        requireSame("batches per epoch", p.batchesPerEpoch(), loader.batchesPerEpoch());
        resume.restore(model, optimizer);
        return p;
    }

    private static void requireSame(String what, long saved, long current) {
        if (saved != current) {
            throw new IllegalArgumentException("cannot resume: the checkpoint was taken with " + what + " " + saved
                    + " but this trainer has " + current);
        }
    }

    private TrainingProgress progress(int epoch, int batch, long globalStep, double lossSum, long images,
                                      long skipped, BatchLoader loader, Dataset train) {
        return new TrainingProgress(epoch, batch, globalStep, seed, batchSize, loader.batchesPerEpoch(), train.size(),
                lossSum, images, skipped);
    }

    private NonFiniteEvent firstNonFiniteGradient(int epoch, int batch, long step) {
        for (Parameter p : model.parameters()) {
            float[] g = p.grad().data();
            int bad = ops.firstNonFinite(g.length, g, 0);
            if (bad >= 0) {
                return new NonFiniteEvent(epoch, batch, step, NonFiniteEvent.Quantity.GRADIENT,
                        p.name() + "[" + bad + "]", g[bad]);
            }
        }
        return null;
    }

    /** A step with finite gradients can still overflow a parameter; that step cannot be undone. */
    private void requireFiniteParameters(int epoch, int batch, long step) {
        for (Parameter p : model.parameters()) {
            float[] v = p.value().data();
            int bad = ops.firstNonFinite(v.length, v, 0);
            if (bad >= 0) {
                throw new NonFiniteException(new NonFiniteEvent(epoch, batch, step, NonFiniteEvent.Quantity.PARAMETER,
                        p.name() + "[" + bad + "]", v[bad]), "the update overflowed, so the step cannot be skipped; "
                        + "resume from a checkpoint with a lower learning rate", null);
            }
        }
    }

    private void skipOrStop(NonFiniteEvent trouble, int consecutive) {
        if (!nonFinitePolicy.skips()) {
            throw new NonFiniteException(trouble, "lower the learning rate, or skip such batches with "
                    + "NonFinitePolicy.skip", null);
        }
        if (consecutive > nonFinitePolicy.maxConsecutive()) {
            throw new NonFiniteException(trouble, consecutive + " batches in a row were not finite (policy "
                    + nonFinitePolicy + "); lower the learning rate", null);
        }
        for (TrainingListener listener : listeners) {
            listener.onNonFinite(trouble);
        }
    }

    private void stepOptimizer(int epoch, int batch, long step) {
        try {
            optimizer.step();
        } catch (ArithmeticException e) {
            NonFiniteEvent trouble = new NonFiniteEvent(epoch, batch, step,
                    NonFiniteEvent.Quantity.OPTIMIZER_STATE, e.getMessage(), Double.NaN);
            throw new NonFiniteException(trouble, "the optimizer may have changed part of its state, so the step "
                    + "cannot be skipped; resume from a checkpoint with a lower learning rate", e);
        }
    }

    /** Configures a {@link Trainer}. */
    public static final class Builder {
        private final Model model;
        private final Optimizer optimizer;
        private int epochs = 1;
        private int batchSize = 128;
        private long seed;
        private LearningRateSchedule schedule;
        private int evaluationBatchSize = 1000;
        private Executor prefetch;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.stop();
        private CheckpointListener checkpoints;
        private Checkpoint resume;

        private Builder(Model model, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** @throws IllegalArgumentException if {@code epochs < 1} */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** @throws IllegalArgumentException if {@code batchSize < 1} */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the per-epoch shuffles. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets the optimizer's learning rate at the start of each epoch; {@code null} leaves it alone. */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Examples per forward pass during evaluation (memory, not results). */
        public Builder evaluationBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("evaluation batch size must be >= 1, got " + size);
            }
            this.evaluationBatchSize = size;
            return this;
        }

        /** Prefetches the next batch on this executor (the host's); {@code null} loads on the training thread. */
        public Builder prefetch(Executor executor) {
            this.prefetch = executor;
            return this;
        }

        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** What to do with a non-finite loss or gradient; default {@link NonFinitePolicy#stop()}. */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Writes checkpoints as {@code listener} decides; {@code null} writes none. */
        public Builder checkpoints(CheckpointListener listener) {
            this.checkpoints = listener;
            return this;
        }

        /**
         * Continues from {@code checkpoint}: {@link #fit} restores it into the model and optimizer and starts at its
         * position. The trainer must be built with the checkpoint's seed and batch size and fit on a training set of
         * its size (checked by {@code fit}); {@code null} starts afresh.
         */
        public Builder resume(Checkpoint checkpoint) {
            this.resume = checkpoint;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
