package geodesic.train;

import geodesic.nn.Model;
import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Serves inference from any number of threads while another thread trains the model, by copy-on-publish: the
 * training thread copies the live weights into a separate model (a snapshot) and publishes it; readers predict on
 * the latest published snapshot and never touch the live model.
 *
 * <dl>
 *   <dt>Semantics</dt>
 *   <dd>Every prediction uses the parameters and buffers of exactly one published step, never a mix of two steps
 *       and never a step in progress. Registered as a {@link TrainingListener}, the publisher publishes after every
 *       {@code everySteps}-th step and after each epoch, so while training runs a new prediction is at most
 *       {@code everySteps} steps behind. A snapshot a reader holds stays unchanged until the reader closes it,
 *       however many steps are published meanwhile; {@link ModelSnapshot#step()} says which step it is.</dd>
 *   <dt>Threading</dt>
 *   <dd>{@link #publish} runs on the training thread (or any thread, but not during a training step);
 *       {@link #acquire} and {@link #predict} are thread-safe and lock-free. Publication is a volatile write after
 *       the copy, so a reader that acquires a snapshot sees all of its weights. Predictions run on the reader's
 *       thread through the snapshot model's kernels: build snapshot models on
 *       {@link geodesic.kernel.Parallelism#sequential()} to let readers compute in parallel.</dd>
 *   <dt>Memory</dt>
 *   <dd>One model per snapshot alive: the current one, the ones readers still hold, and retired ones waiting to be
 *       reused. A snapshot whose last holder closes it is recycled by a later {@link #publish}, so steady state
 *       allocates nothing; the most ever held is the number of concurrent readers plus two.</dd>
 * </dl>
 */
public final class ModelPublisher implements TrainingListener {
    private final Model live;
    private final Supplier<? extends Model> factory;
    private final int everySteps;
    private final AtomicReference<Slot> current = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Slot> retired = new ConcurrentLinkedQueue<>();
    private long lastStep;
    private long lastPublished = -1;

    /**
     * @param live       the model being trained
     * @param factory    makes a model of the same architecture (same parameter and buffer names and shapes),
     *                   whose weights will be overwritten; called when no retired snapshot can be reused
     * @param everySteps publish after every this many global steps (and after each epoch)
     * @throws IllegalArgumentException if {@code everySteps < 1}
     */
    public ModelPublisher(Model live, Supplier<? extends Model> factory, int everySteps) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        }
        this.live = Objects.requireNonNull(live, "live");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.everySteps = everySteps;
    }

    /**
     * Copies the live model's parameters and buffers into a snapshot and makes it the one new readers get.
     * Must not run concurrently with a training step or another {@code publish}.
     *
     * @param step the global step the live weights are at, reported by {@link ModelSnapshot#step()}
     * @throws IllegalArgumentException if the factory's model does not have the live model's parameters and buffers
     */
    public void publish(long step) {
        Slot slot = retired.poll();
        if (slot == null) {
            slot = new Slot(checkedModel());
        }
        List<Parameter> from = live.parameters();
        List<Parameter> to = slot.model.parameters();
        for (int i = 0; i < from.size(); i++) {
            float[] src = from.get(i).value().data();
            System.arraycopy(src, 0, to.get(i).value().data(), 0, src.length);
        }
        Map<String, Tensor> toBuffers = slot.model.buffers();
        live.buffers().forEach((name, t) -> System.arraycopy(t.data(), 0, toBuffers.get(name).data(), 0, t.size()));
        slot.step = step;
        slot.refs.set(1);
        lastPublished = step;
        Slot old = current.getAndSet(slot);
        if (old != null) {
            release(old);
        }
    }

    /**
     * The latest published snapshot, held until the returned handle is closed. Thread-safe.
     *
     * @throws IllegalStateException if nothing has been published yet
     */
    public ModelSnapshot acquire() {
        while (true) {
            Slot s = current.get();
            if (s == null) {
                throw new IllegalStateException("no model snapshot published yet; call publish or start training");
            }
            if (s.tryRetain()) {
                return new ModelSnapshot(this, s);
            }
        }
    }

    /**
     * Inference on the latest published snapshot: {@code acquire}, predict, close. Thread-safe.
     *
     * @param x {@code [N, inputShape...]}, read
     * @return new logits {@code [N, outputShape...]}
     * @throws IllegalStateException    if nothing has been published yet
     * @throws IllegalArgumentException if {@code x} has the wrong shape
     */
    public Tensor predict(Tensor x) {
        try (ModelSnapshot s = acquire()) {
            return s.predict(x);
        }
    }

    /** Publishes the starting weights, so that readers have a model from the first moment of training. */
    @Override
    public void onStart(TrainingPlan plan) {
        publish(lastStep);
    }

    @Override
    public void onStep(StepMetrics step) {
        lastStep = step.globalStep();
        if (lastStep % everySteps == 0) {
            publish(lastStep);
        }
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        if (lastPublished != lastStep) {
            publish(lastStep);
        }
    }

    void release(Slot slot) {
        if (slot.refs.decrementAndGet() == 0) {
            retired.offer(slot);
        }
    }

    private Model checkedModel() {
        Model m = factory.get();
        List<String> expected = new ArrayList<>();
        List<String> got = new ArrayList<>();
        for (Parameter p : live.parameters()) {
            expected.add(p.name() + Arrays.toString(p.value().shape()));
        }
        for (Parameter p : m.parameters()) {
            got.add(p.name() + Arrays.toString(p.value().shape()));
        }
        live.buffers().forEach((n, t) -> expected.add(n + Arrays.toString(t.shape())));
        m.buffers().forEach((n, t) -> got.add(n + Arrays.toString(t.shape())));
        if (!expected.equals(got)) {
            throw new IllegalArgumentException("the snapshot factory's model has parameters and buffers " + got
                    + " but the live model has " + expected);
        }
        return m;
    }

    /**
     * A snapshot model and its holders: the publisher while it is current, plus each reader's handle. Once the
     * count reaches zero it can no longer be retained, so the publisher may overwrite it.
     */
    static final class Slot {
        final Model model;
        final AtomicInteger refs = new AtomicInteger();
        long step;

        Slot(Model model) {
            this.model = model;
        }

        boolean tryRetain() {
            for (int r = refs.get(); r > 0; r = refs.get()) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false;
        }
    }
}
