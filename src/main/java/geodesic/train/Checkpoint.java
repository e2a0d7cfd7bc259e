package geodesic.train;

import geodesic.nn.Model;
import geodesic.nn.Parameter;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to continue training bit-exactly: the model's parameters and buffers, the optimizer's whole
 * {@link OptimizerState}, the {@link TrainingProgress} and the {@link Provenance}. {@link CheckpointFile} stores it.
 *
 * <p><b>Memory.</b> A checkpoint owns copies: {@link #capture} copies every parameter, buffer and optimizer array
 * (about the parameters again, plus the optimizer's state), and restoring copies back, so a checkpoint may be
 * written on another thread while training continues.
 *
 * <p><b>Threading.</b> Immutable once built; {@link #capture} and {@link #restore} must not run concurrently with
 * a training step on the same model.
 */
public final class Checkpoint {
    private final TrainingProgress progress;
    private final Provenance provenance;
    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> buffers;
    private final OptimizerState optimizer;

    /**
     * A checkpoint of the given values, taken over without copying (as {@link CheckpointFile#read} builds one).
     *
     * @param parameters trainable tensors by name, in model order
     * @param buffers    non-trainable tensors by name, in model order
     */
    public Checkpoint(TrainingProgress progress, Provenance provenance, Map<String, Tensor> parameters,
                      Map<String, Tensor> buffers, OptimizerState optimizer) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** Copies the model's parameters and buffers and the optimizer's state, as they are now. */
    public static Checkpoint capture(Model model, Optimizer optimizer, TrainingProgress progress,
                                     Provenance provenance) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            params.put(p.name(), p.value().copy());
        }
        Map<String, Tensor> bufs = new LinkedHashMap<>();
        model.buffers().forEach((name, t) -> bufs.put(name, t.copy()));
        return new Checkpoint(progress, provenance, params, bufs, optimizer.exportState());
    }

    public TrainingProgress progress() {
        return progress;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** Parameters by name in model order; the tensors themselves, not to be modified. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Buffers (e.g. BatchNorm running statistics) by name in model order; the tensors themselves. */
    public Map<String, Tensor> buffers() {
        return buffers;
    }

    /** The optimizer's state; read-only by convention. */
    public OptimizerState optimizerState() {
        return optimizer;
    }

    /**
     * Copies this checkpoint into {@code model} and {@code optimizer}, all or nothing: every parameter and buffer
     * is checked first, then the optimizer imports its state (which checks everything before changing anything),
     * and only then are the model's tensors overwritten.
     *
     * @throws IllegalArgumentException naming the first parameter or buffer that is missing on either side or has
     *                                  another shape (so a checkpoint of another model is refused with the layer),
     *                                  or the optimizer entry that does not fit; nothing is changed then
     */
    public void restore(Model model, Optimizer optimizer) {
        List<float[]> targets = new ArrayList<>();
        List<float[]> sources = new ArrayList<>();
        Map<String, Tensor> modelParams = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            modelParams.put(p.name(), p.value());
        }
        match("parameter", modelParams, parameters, targets, sources);
        match("buffer", model.buffers(), buffers, targets, sources);
        try {
            optimizer.importState(this.optimizer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint optimizer state does not fit this optimizer ("
                    + optimizer.describe() + "): " + e.getMessage(), e);
        }
        for (int i = 0; i < targets.size(); i++) {
            System.arraycopy(sources.get(i), 0, targets.get(i), 0, sources.get(i).length);
        }
    }

    private static void match(String kind, Map<String, Tensor> model, Map<String, Tensor> saved,
                              List<float[]> targets, List<float[]> sources) {
        for (var e : model.entrySet()) {
            Tensor s = saved.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("checkpoint has no " + kind + " " + e.getKey() + " of shape "
                        + Arrays.toString(e.getValue().shape()) + "; it was taken from another model (its "
                        + kind + "s: " + saved.keySet() + ")");
            }
            if (!Arrays.equals(s.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("checkpoint " + kind + " " + e.getKey() + " has shape "
                        + Arrays.toString(s.shape()) + " but the model's is " + Arrays.toString(e.getValue().shape())
                        + "; it was taken from another model");
            }
            targets.add(e.getValue().data());
            sources.add(s.data());
        }
        for (String name : saved.keySet()) {
            if (!model.containsKey(name)) {
                throw new IllegalArgumentException("checkpoint " + kind + " " + name
                        + " does not exist in the model; it was taken from another model (the model's " + kind
                        + "s: " + model.keySet() + ")");
            }
        }
    }
}
