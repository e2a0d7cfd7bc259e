package geodesic.train;

import geodesic.data.Batch;
import geodesic.data.BatchLoader;
import geodesic.data.BatchOptions;
import geodesic.data.Dataset;
import geodesic.nn.CrossEntropyLoss;
import geodesic.nn.Mode;
import geodesic.nn.Model;
import geodesic.optim.EpochAware;
import geodesic.optim.LearningRateSchedule;
import geodesic.optim.Optimizer;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 *   <dd>The batch order depends only on the seed and the epoch, so the same seed, model initialisation and thread
 *       count give identical losses.</dd>
 *   <dt>Threading</dt>
 *   <dd>{@link #fit} runs on the caller's thread, and so do the listeners. The trainer starts no threads: the
 *       next batch is prefetched on the host's {@link Executor} if one was given, and kernels use the model's own
 *       {@code Parallelism}. A non-finite training loss stops training with an {@link ArithmeticException} naming
 *       the epoch, batch and step.</dd>
 * </dl>
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final LearningRateSchedule schedule;
    private final int evaluationBatchSize;
    private final Executor prefetch;
    private final List<TrainingListener> listeners;

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
     * @throws IllegalArgumentException if an example's shape does not match the model's input
     * @throws ArithmeticException      if the loss or a gradient becomes NaN or infinite
     */
    public TrainingResult fit(Dataset train, Dataset validation, Dataset test) {
        Objects.requireNonNull(train, "train");
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<EpochMetrics> history = new ArrayList<>();
        boolean stopped = false;
        try (BatchLoader loader = new BatchLoader(train, BatchOptions.shuffled(batchSize, seed), prefetch)) {
            TrainingPlan plan = new TrainingPlan(epochs, loader.batchesPerEpoch(), batchSize, train.size(),
                    optimizer.describe(), model.toString());
            listeners.forEach(l -> l.onStart(plan));
            long start = System.nanoTime();
            long globalStep = 0;
            for (int epoch = 1; epoch <= epochs && !stopped; epoch++) {
                if (schedule != null) {
                    optimizer.setLearningRate(schedule.rate(epoch));
                }
                double lr = optimizer.learningRate();
                loader.startEpoch(epoch - 1);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                long images = 0;
                int index = 0;
                while (loader.hasNext()) {
                    Batch batch = loader.next();
                    model.zeroGrad();
                    Tensor logits = model.forward(batch.images(), Mode.TRAIN);
                    double l = loss.forward(logits, batch.labels());
                    if (!Double.isFinite(l)) {
                        throw new ArithmeticException("training loss became " + l + " at epoch " + epoch
                                + ", batch " + index + " (step " + (globalStep + 1) + "); lower the learning rate");
                    }
                    model.backward(loss.gradient());
                    optimizer.step();
                    globalStep++;
                    lossSum += l * batch.size();
                    images += batch.size();
                    StepMetrics step = new StepMetrics(epoch, index, loader.batchesPerEpoch(), globalStep, l, images,
                            (System.nanoTime() - epochStart) * 1e-9);
                    for (TrainingListener listener : listeners) {
                        listener.onStep(step);
                    }
                    index++;
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
            }
        }
        TrainingResult result = new TrainingResult(history, stopped);
        listeners.forEach(l -> l.onFinish(result));
        return result;
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

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
