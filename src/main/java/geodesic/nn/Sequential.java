package geodesic.nn;

import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.Parallelism;
import geodesic.kernel.Pool2dGeometry;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A {@link Model} that applies its layers one after another, built with {@link #builder(int...)}:
 * <pre>{@code
 * Model m = Sequential.builder(1, 28, 28)
 *         .conv2d(32, 5, 1, 2).relu().maxPool2d(2)
 *         .flatten().dense(10)
 *         .build(42);
 * }</pre>
 *
 * <p><b>Memory.</b> Each layer owns its training buffers and reuses them while the batch size stays the same, so
 * steady-state training allocates no layer buffers; a new batch size reallocates them once. The first layer with
 * parameters skips its input gradient, and the layers before it skip backward entirely.
 *
 * <p><b>Threading.</b> As {@link Model}. The model's kernels run on the {@link Parallelism} given to the builder,
 * which the model uses but does not own or close; concurrent {@link #predict} calls share that team, whose calls
 * are serialized, so for many concurrent small requests a model built on {@link Parallelism#sequential()} (the
 * default) lets each caller's thread compute on its own.
 */
public final class Sequential implements Model {
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final List<KroneckerFactorSource> kroneckerSources;
    private final int firstTrainable;

    private Sequential(Shape inputShape, List<Layer> layers) {
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>();
        List<KroneckerFactorSource> ks = new ArrayList<>();
        int first = layers.size();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            ps.addAll(l.parameters());
            if (!l.parameters().isEmpty()) {
                first = Math.min(first, i);
            }
            if (l instanceof KroneckerFactorSource k) {
                ks.add(k);
            }
        }
        this.parameters = List.copyOf(ps);
        this.kroneckerSources = List.copyOf(ks);
        this.firstTrainable = first;
    }

    /**
     * Starts a model whose examples have the given shape: {@code (C, H, W)} for NCHW images, {@code (F)} for
     * vectors.
     *
     * @throws IllegalArgumentException if there are no dimensions or one is not positive
     */
    public static Builder builder(int... inputShape) {
        return new Builder(Shape.of(inputShape));
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Shape outputShape() {
        return layers.isEmpty() ? inputShape : layers.getLast().outputShape();
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor h = x;
        // Indexed loops here and in zeroGrad: no iterator per training step.
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, mode);
        }
        if (mode == Mode.EVAL && h.data() == x.data()) {
            h = h.copy();
        }
        return h;
    }

    @Override
    public Tensor predict(Tensor x) {
        return forward(x, Mode.EVAL);
    }

    @Override
    public void backward(Tensor outputGradient) {
        Tensor g = outputGradient;
        for (int i = layers.size() - 1; i >= firstTrainable; i--) {
            g = layers.get(i).backward(g, i > firstTrainable);
        }
    }

    @Override
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        for (Layer l : layers) {
            b.putAll(l.buffers());
        }
        return Collections.unmodifiableMap(b);
    }

    @Override
    public List<KroneckerFactorSource> kroneckerFactorSources() {
        return kroneckerSources;
    }

    @Override
    public void zeroGrad() {
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).grad().fillInPlace(0f);
        }
    }

    /** Layer {@code i} gets the {@code i}-th draw of a {@link SplittableRandom} seeded with {@code seed}. */
    @Override
    public void initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer l : layers) {
            l.initialize(rng.nextLong());
        }
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String row = "%-12s %-10s %-20s %,12d%n";
        sb.append(String.format(Locale.ROOT, "%-12s %-10s %-20s %12s%n", "Layer", "Type", "Output shape", "Params"));
        sb.append(String.format(Locale.ROOT, "%-12s %-10s %-20s %12s%n", "input", "", inputShape.toBatchString(),
                ""));
        for (Layer l : layers) {
            long count = 0;
            for (Parameter p : l.parameters()) {
                count += p.size();
            }
            sb.append(String.format(Locale.ROOT, row, l.name(), l.getClass().getSimpleName(),
                    l.outputShape().toBatchString(), count));
        }
        sb.append(String.format(Locale.ROOT, "Total parameters: %,d%n", parameterCount()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Sequential" + inputShape + " -> " + outputShape() + ", " + layers.size() + " layers, "
                + parameterCount() + " parameters";
    }

    /**
     * Fluent description of a {@link Sequential} model. Each call appends a layer that takes the previous layer's
     * output shape, and checks at once that the layer fits it, so an error points at the call that caused it.
     * Layers are named by type and position among their type: {@code conv1, conv2, dense1, relu1, pool1,
     * flatten1, dropout1, bn1}.
     *
     * <p><b>Initialization.</b> A Dense or Conv2d layer gets {@link WeightInit#HE_UNIFORM} when the next layer that
     * is not a BatchNorm, MaxPool2d, Dropout or Flatten is a ReLU, and {@link WeightInit#GLOROT_UNIFORM} otherwise
     * (e.g. the output layer).
     *
     * <p>A builder is not thread-safe; {@link #build(long)} may be called more than once and gives independent
     * models.
     */
    public static final class Builder {
        /** {@code transparent}: skipped when looking for the activation that follows a weighted layer. */
        private record Spec(String name, Shape output, Function<Context, Layer> factory, boolean transparent,
                            boolean relu) {
        }

        private record Context(Kernels kernels, WeightInit init) {
        }

        private final Shape inputShape;
        private final List<Spec> specs = new ArrayList<>();
        private final Map<String, Integer> counters = new HashMap<>();
        private Shape current;
        private KernelProvider provider = KernelProvider.get();
        private Parallelism parallelism = Parallelism.sequential();

        private Builder(Shape inputShape) {
            this.inputShape = inputShape;
            this.current = inputShape;
        }

        /** The output shape of the layers added so far (the input shape if none). */
        public Shape currentShape() {
            return current;
        }

        /**
         * Appends a convolution with a square kernel, equal strides and equal zero padding on both axes; weight
         * {@code [C * kernel * kernel, outChannels]}, bias {@code [outChannels]}.
         *
         * @throws IllegalArgumentException if the current shape is not {@code [C, H, W]} or the geometry is invalid
         *                                  (padding not smaller than the kernel, kernel larger than the padded
         *                                  input)
         */
        public Builder conv2d(int outChannels, int kernel, int stride, int padding) {
            String name = nextName("conv");
            requireImage(name, "conv2d");
            Conv2dGeometry g;
            try {
                g = Conv2dGeometry.of(current.dim(0), current.dim(1), current.dim(2), outChannels, kernel, stride,
                        padding);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " on input " + current.toBatchString() + ": "
                        + e.getMessage(), e);
            }
            return add(new Spec(name, Shape.of(outChannels, g.outHeight(), g.outWidth()),
                    c -> new Conv2d(name, g, c.init(), c.kernels()), false, false));
        }

        /** {@code conv2d(outChannels, kernel, 1, 0)}. */
        public Builder conv2d(int outChannels, int kernel) {
            return conv2d(outChannels, kernel, 1, 0);
        }

        /** Appends a ReLU; any shape. */
        public Builder relu() {
            String name = nextName("relu");
            Shape s = current;
            return add(new Spec(name, s, c -> new Relu(name, s, c.kernels()), false, true));
        }

        /**
         * Appends max pooling over {@code size x size} windows with stride {@code stride} and no padding.
         *
         * @throws IllegalArgumentException if the current shape is not {@code [C, H, W]}, a size is not positive, or
         *                                  the window is larger than the input
         */
        public Builder maxPool2d(int size, int stride) {
            String name = nextName("pool");
            requireImage(name, "maxPool2d");
            Pool2dGeometry g;
            try {
                g = new Pool2dGeometry(current.dim(0), current.dim(1), current.dim(2), size, stride);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " on input " + current.toBatchString() + ": "
                        + e.getMessage(), e);
            }
            return add(new Spec(name, Shape.of(g.channels(), g.outHeight(), g.outWidth()),
                    c -> new MaxPool2d(name, g, c.kernels()), true, false));
        }

        /** {@code maxPool2d(size, size)}: non-overlapping windows. */
        public Builder maxPool2d(int size) {
            return maxPool2d(size, size);
        }

        /** Appends a {@link Flatten}, turning {@code [d1, d2, ...]} into {@code [d1 * d2 * ...]}. */
        public Builder flatten() {
            String name = nextName("flatten");
            Shape in = current;
            return add(new Spec(name, Shape.of(in.size()), c -> new Flatten(name, in), true, false));
        }

        /**
         * Appends a fully connected layer with {@code out} outputs; weight {@code [in, out]}, bias {@code [out]}.
         *
         * @throws IllegalArgumentException if {@code out} is not positive or the current shape is not flat
         */
        public Builder dense(int out) {
            String name = nextName("dense");
            if (current.rank() != 1) {
                throw new IllegalArgumentException(name + ": dense needs a flat input [N, features] but gets "
                        + current.toBatchString() + "; add flatten() before it");
            }
            if (out < 1) {
                throw new IllegalArgumentException(name + ": output size must be >= 1, got " + out);
            }
            int in = current.dim(0);
            return add(new Spec(name, Shape.of(out), c -> new Dense(name, in, out, c.init(), c.kernels()), false,
                    false));
        }

        /**
         * Appends inverted dropout with drop probability {@code p}.
         *
         * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
         */
        public Builder dropout(float p) {
            String name = nextName("dropout");
            Shape s = current;
            Dropout.requireProbability(name, p);
            return add(new Spec(name, s, c -> new Dropout(name, s, p), true, false));
        }

        /** {@code batchNorm(0.1f, 1e-5f)}, the usual defaults. */
        public Builder batchNorm() {
            return batchNorm(0.1f, 1e-5f);
        }

        /**
         * Appends batch normalization over the channels of {@code [C, H, W]} or the features of {@code [F]}.
         *
         * @throws IllegalArgumentException if the current shape is neither, {@code momentum} is not in
         *                                  {@code [0, 1]} or {@code epsilon} is not positive
         */
        public Builder batchNorm(float momentum, float epsilon) {
            String name = nextName("bn");
            if (current.rank() != 1 && current.rank() != 3) {
                throw new IllegalArgumentException(name + ": batch norm needs [N, C, H, W] or [N, F] but gets "
                        + current.toBatchString());
            }
            Shape s = current;
            BatchNorm.requireHyperparameters(name, momentum, epsilon);
            return add(new Spec(name, s, c -> new BatchNorm(name, s, momentum, epsilon), true, false));
        }

        /** The kernels to run on; default {@link KernelProvider#get()}. */
        public Builder kernels(KernelProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The thread team the model's kernels split their work over; default {@link Parallelism#sequential()}. The
         * model does not close it.
         */
        public Builder parallelism(Parallelism parallelism) {
            this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
            return this;
        }

        /**
         * Creates the model and initializes it with {@link Model#initialize(long) initialize(seed)}.
         *
         * @throws IllegalStateException if no layer was added
         */
        public Sequential build(long seed) {
            if (specs.isEmpty()) {
                throw new IllegalStateException("a model needs at least one layer");
            }
            Kernels kernels = Kernels.of(provider, parallelism);
            List<Layer> layers = new ArrayList<>(specs.size());
            for (int i = 0; i < specs.size(); i++) {
                WeightInit init = feedsRelu(i) ? WeightInit.HE_UNIFORM : WeightInit.GLOROT_UNIFORM;
                layers.add(specs.get(i).factory().apply(new Context(kernels, init)));
            }
            Sequential model = new Sequential(inputShape, layers);
            model.initialize(seed);
            return model;
        }

        private boolean feedsRelu(int i) {
            for (int j = i + 1; j < specs.size(); j++) {
                Spec s = specs.get(j);
                if (!s.transparent()) {
                    return s.relu();
                }
            }
            return false;
        }

        private Builder add(Spec spec) {
            specs.add(spec);
            current = spec.output();
            return this;
        }

        private String nextName(String prefix) {
            return prefix + counters.merge(prefix, 1, Integer::sum);
        }

        private void requireImage(String name, String op) {
            if (current.rank() != 3) {
                throw new IllegalArgumentException(name + ": " + op + " needs an image input [N, C, H, W] but gets "
                        + current.toBatchString());
            }
        }
    }
}
