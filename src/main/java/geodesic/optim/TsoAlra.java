package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.SgdStep;
import geodesic.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * TSO-ALRA, the two-stage optimizer of Ida and Fujiwara, "Improving Generalization Performance of Adaptive Learning
 * Rate by Switching from Block Diagonal Matrix Preconditioning to SGD" (Algorithm 1).
 *
 * <dl>
 *   <dt>Stage 1, {@link Stage#PRECONDITIONED}</dt>
 *   <dd>Each step the {@link Preconditioner} replaces every gradient {@code g} by {@code F^{-1/2} g} (Eq. 16 for the
 *       Kronecker-factored one), then the parameters take an SGD step on it: {@code p -= lr * F^{-1/2} g}, or with
 *       momentum {@code buf = momentum * buf + F^{-1/2} g; p -= lr * buf} ({@code torch.optim.SGD}'s buffer, set to
 *       the first preconditioned gradient on the first step).</dd>
 *   <dt>Stage 2, {@link Stage#SGD}</dt>
 *   <dd>Plain SGD on the raw gradient, Eq. 1: {@code p -= lr * g}. The preconditioner is no longer called and the
 *       momentum buffers are dropped.</dd>
 *   <dt>Switch</dt>
 *   <dd>At the end of each stage-1 epoch ({@link #onEpochEnd}) the {@link SwitchRule} decides; when it fires, the
 *       optimizer switches once and for good, records a {@link SwitchEvent} ({@link #switchEvent()}) and logs it as
 *       one {@code INFO} line on the {@code geodesic.optim.TsoAlra} logger. The rules are
 *       {@link FixedEpochSwitch} (the paper's tuned switch point), {@link ValidationPlateauSwitch} (the paper's
 *       real-time variant) and {@link IsotropySwitch} (the condition of the paper's Theorem 2).</dd>
 *   <dt>Isotropy diagnostic</dt>
 *   <dd>Unless turned off, a {@link GradientNoiseIsotropy} is fed the gradient that each step moves along
 *       (preconditioned in stage 1, raw in stage 2) during the last {@link GradientNoiseIsotropy#window()} steps of
 *       every epoch, where the epoch's length is taken from the epoch before; the first epoch is estimated only
 *       when the builder was told its length ({@link Builder#stepsPerEpoch}). {@link #isotropy()} gives the
 *       estimate of the epoch just ended, for the metrics CSV and for {@link IsotropySwitch}. Cost: one hashed
 *       pass over the gradient per sampled step, about 2 ns per parameter (0.5 ms for the 269k-parameter MLP,
 *       about 3% of an MLP epoch on full Fashion-MNIST; far less for the CNN).</dd>
 *   <dt>Learning-rate matching (off by default)</dt>
 *   <dd>As in SWATS (Keskar and Socher, "Improving Generalization Performance by Switching from Adam to SGD",
 *       arXiv:1712.07628, Algorithm 1): each stage-1 step {@code p = -lr * d} (with {@code d} the preconditioned
 *       direction) gives the SGD rate whose step has the same projection on {@code p},
 *       {@code gamma = p.p / (-p.g)}; its exponential average {@code lambda = beta lambda + (1 - beta) gamma}
 *       (beta {@value #DEFAULT_MATCHING_BETA}, over the steps where {@code p.g != 0}) is bias-corrected,
 *       {@code Lambda = lambda / (1 - beta^n)}, and stage 2 then runs at {@code Lambda} instead of {@code lr}.
 *       Only the rate is taken from SWATS; when to switch is still the rule's decision. A non-positive or
 *       non-finite {@code Lambda} is not used (the log line says so). Caution: {@code gamma} weighs each direction
 *       by the preconditioner's gain, so after {@code F^{-1/2}} (gains of {@code 1 / sqrt(lambda)}, large where
 *       the Fisher is small) {@code Lambda} can exceed any stable SGD rate. On the MLP (Fashion-MNIST, 10k images)
 *       the Kronecker stage at lr 0.01 gave {@code Lambda = 0.61} after 3 epochs and SGD at that rate diverged
 *       (accuracy 0.11), where SGD at 0.01 went on improving; the diagonal stage at lr 0.001 gave 0.55-0.68.
 *       Hence off by default.</dd>
 *   <dt>Learning rate</dt>
 *   <dd>{@link #setLearningRate} sets the base rate {@code lr}, e.g. from a step-decay schedule. With matching,
 *       stage 2 scales it by {@code Lambda / lr_switch} (its value at the switch), so a schedule keeps working
 *       relative to the matched rate; {@link #learningRate()} returns the rate the next step uses, i.e. the scaled
 *       one.</dd>
 *   <dt>Memory</dt>
 *   <dd>Besides the preconditioner's own (about {@code 2(in^2 + out^2)} floats per layer for the Kronecker
 *       factors and their eigenbases): in stage 1 one copy of the parameters for momentum ({@code momentum > 0})
 *       and one for the raw gradients (matching on); released at the switch. The isotropy estimator holds
 *       {@code (pairs + 3) k} doubles.</dd>
 *   <dt>Threading</dt>
 *   <dd>Not thread-safe: one training thread calls {@link #step()} and {@link #onEpochEnd}.</dd>
 * </dl>
 *
 * <p>Defaults (declared once, here): learning rate {@value #DEFAULT_LEARNING_RATE} (the paper's for every model and
 * dataset), no momentum, switch after epoch {@value #DEFAULT_SWITCH_EPOCH} (the paper's Fashion-MNIST/VGG value;
 * its tuned values range 5-70), matching off, isotropy tracked with {@link GradientNoiseIsotropy}'s defaults.
 */
public final class TsoAlra implements Optimizer, EpochAware {
    /** The paper's learning rate for all settings. */
    public static final double DEFAULT_LEARNING_RATE = 0.01;
    /** The paper's switch epoch for Fashion-MNIST with VGG. */
    public static final int DEFAULT_SWITCH_EPOCH = 25;
    /** SWATS's averaging constant for the matched rate (Adam's {@code beta2}). */
    public static final double DEFAULT_MATCHING_BETA = 0.999;

    private static final String KIND = "tso-alra";
    private static final Logger LOG = Logger.getLogger(TsoAlra.class.getName());

    /** The two stages of Algorithm 1. */
    public enum Stage {
        /** SGD on the preconditioned gradient (the first loop of Algorithm 1). */
        PRECONDITIONED,
        /** Plain SGD, Eq. 1 (the second loop). */
        SGD
    }

    private final List<Parameter> parameters;
    private final List<float[]> gradients;
    private final Preconditioner preconditioner;
    private final SwitchRule rule;
    private final double momentum;
    private final boolean matchLearningRate;
    private final GradientNoiseIsotropy noise;
    private final long expectedEpochSteps;
    private final Elementwise ops;

    private Stage stage = Stage.PRECONDITIONED;
    private float[][] buffers;
    private float[][] rawGradients;
    private double lr;
    private double sgdScale = 1;
    private long steps;
    private int lastEpoch;
    private long stepsInEpoch;
    private long previousEpochSteps;
    private double lastIsotropy = Double.NaN;
    private double matchingAverage;
    private long matchingCount;
    private SwitchEvent event;

    private TsoAlra(Builder b) {
        this.parameters = b.parameters;
        List<float[]> g = new ArrayList<>(parameters.size());
        long size = 0;
        for (Parameter p : parameters) {
            g.add(p.grad().data());
            size += p.size();
        }
        this.gradients = List.copyOf(g);
        this.preconditioner = b.preconditioner;
        this.rule = b.rule;
        this.momentum = b.momentum;
        this.matchLearningRate = b.matchLearningRate;
        this.noise = b.trackIsotropy && size > 0
                ? new GradientNoiseIsotropy(size, b.sketchDimension, b.pairs, b.seed) : null;
        this.expectedEpochSteps = b.stepsPerEpoch;
        this.lr = b.learningRate;
        this.ops = KernelProvider.get().elementwise();
        allocateStageOneBuffers();
    }

    /**
     * A builder with the defaults listed in the class comment.
     *
     * @param parameters     the parameters to update, the same ones {@code preconditioner} manages
     * @param preconditioner turns their gradients into {@code F^{-1/2} g} in stage 1
     */
    public static Builder builder(List<Parameter> parameters, Preconditioner preconditioner) {
        return new Builder(parameters, preconditioner);
    }

    /**
     * One step of the current stage; see the class comment.
     *
     * @throws ArithmeticException if a gradient, or in stage 1 a preconditioned gradient, holds NaN or infinity,
     *                             naming the parameter and step; the parameters are then unchanged (the
     *                             preconditioner's statistics may already include the step)
     */
    @Override
    public void step() {
        GradientCheck.requireFinite(ops, parameters, steps + 1);
        if (stage == Stage.PRECONDITIONED) {
            preconditionedStep();
        } else {
            sampleIsotropy();
            SgdStep s = new SgdStep(lr * sgdScale, 0);
            for (Parameter p : parameters) {
                ops.sgdUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, s);
            }
        }
        steps++;
        stepsInEpoch++;
    }

    private void preconditionedStep() {
        if (rawGradients != null) {
            for (int i = 0; i < rawGradients.length; i++) {
                System.arraycopy(gradients.get(i), 0, rawGradients[i], 0, rawGradients[i].length);
            }
        }
        preconditioner.precondition(steps + 1);
        try {
            GradientCheck.requireFinite(ops, parameters, steps + 1);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("after preconditioning by " + preconditioner.describe() + ": "
                    + e.getMessage());
        }
        sampleIsotropy();
        if (momentum == 0) {
            SgdStep s = new SgdStep(lr, 0);
            for (Parameter p : parameters) {
                ops.sgdUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, s);
            }
        } else {
            MomentumStep s = new MomentumStep(lr, momentum, 0, false, 0, steps == 0);
            for (int i = 0; i < buffers.length; i++) {
                Parameter p = parameters.get(i);
                ops.momentumUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, buffers[i], 0, s);
            }
        }
        if (rawGradients != null) {
            accumulateMatchedRate(momentum == 0 ? gradients : List.of(buffers));
        }
    }

    /** SWATS's per-step estimate for the step {@code p = -lr * direction} just taken. */
    private void accumulateMatchedRate(List<float[]> direction) {
        double dd = 0;
        double dg = 0;
        for (int i = 0; i < rawGradients.length; i++) {
            float[] d = direction.get(i);
            float[] g = rawGradients[i];
            for (int k = 0; k < d.length; k++) {
                dd += (double) d[k] * d[k];
                dg += (double) d[k] * g[k];
            }
        }
        if (lr == 0 || dg == 0) {
            return;
        }
        // gamma = p.p / (-p.g) with p = -lr d
        double gamma = lr * dd / dg;
        matchingAverage = DEFAULT_MATCHING_BETA * matchingAverage + (1 - DEFAULT_MATCHING_BETA) * gamma;
        matchingCount++;
    }

    private void sampleIsotropy() {
        long epochSteps = previousEpochSteps > 0 ? previousEpochSteps : expectedEpochSteps;
        if (noise != null && epochSteps > 0 && stepsInEpoch >= epochSteps - noise.window()) {
            noise.addSample(gradients);
        }
    }

    /**
     * Ends an epoch: estimates its {@link #isotropy()}, and in stage 1 asks the switch rule, switching to SGD if it
     * fires.
     *
     * @param epoch          the 1-based epoch just finished, greater than the previous call's
     * @param validationLoss its validation loss, or {@code NaN} when there is no validation set
     * @throws IllegalArgumentException if {@code epoch < 1}, or the rule needs a validation loss and it is
     *                                  {@code NaN}; nothing is changed then
     * @throws IllegalStateException    if {@code epoch} does not follow the previous call's
     */
    @Override
    public void onEpochEnd(int epoch, double validationLoss) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs are 1-based, got " + epoch);
        }
        if (epoch <= lastEpoch) {
            throw new IllegalStateException("onEpochEnd(" + epoch + ") after epoch " + lastEpoch
                    + " already ended; epochs must increase");
        }
        double estimate = noise == null ? Double.NaN : noise.isotropy();
        Optional<String> reason = stage == Stage.PRECONDITIONED
                ? rule.evaluate(new SwitchEvidence(epoch, steps, validationLoss, estimate))
                : Optional.empty();
        lastIsotropy = estimate;
        if (noise != null) {
            noise.reset();
        }
        previousEpochSteps = stepsInEpoch;
        stepsInEpoch = 0;
        lastEpoch = epoch;
        reason.ifPresent(r -> switchToSgd(epoch, r));
    }

    private void switchToSgd(int epoch, String reason) {
        double before = learningRate();
        String matching = "";
        if (matchLearningRate) {
            double matched = matchedLearningRate();
            if (matched > 0 && Double.isFinite(matched) && lr > 0) {
                sgdScale = matched / lr;
                matching = " (matched to the preconditioned steps)";
            } else {
                matching = String.format(Locale.ROOT, " (matched rate %g unusable, kept)", matched);
            }
        }
        stage = Stage.SGD;
        buffers = null;
        rawGradients = null;
        event = new SwitchEvent(epoch, steps, reason, before, learningRate());
        LOG.info("TSO-ALRA " + event.describe() + matching);
    }

    private void allocateStageOneBuffers() {
        buffers = null;
        rawGradients = null;
        if (stage != Stage.PRECONDITIONED) {
            return;
        }
        if (momentum > 0) {
            buffers = new float[parameters.size()][];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = new float[parameters.get(i).size()];
            }
        }
        if (matchLearningRate) {
            rawGradients = new float[parameters.size()][];
            for (int i = 0; i < rawGradients.length; i++) {
                rawGradients[i] = new float[parameters.get(i).size()];
            }
        }
    }

    /** The stage-1 preconditioner, for its own metrics (e.g. {@link KroneckerPreconditioner#rootFailures()}). */
    public Preconditioner preconditioner() {
        return preconditioner;
    }

    /** The current stage. */
    public Stage stage() {
        return stage;
    }

    /** The switch, once it has happened. */
    public Optional<SwitchEvent> switchEvent() {
        return Optional.ofNullable(event);
    }

    /**
     * The gradient-noise isotropy of the last ended epoch ({@link GradientNoiseIsotropy#isotropy()}) of the
     * preconditioned gradient in stage 1 and of the raw gradient in stage 2.
     *
     * @return the estimate, or {@code NaN} before the first epoch ends, when tracking is off, for a first epoch of
     *         unknown length, or when the epoch had fewer than 4 steps
     */
    public double isotropy() {
        return lastIsotropy;
    }

    /**
     * SWATS's bias-corrected estimate {@code Lambda} of the SGD rate equivalent to the preconditioned steps so far.
     *
     * @return the estimate, or {@code NaN} when matching is off or no step has contributed yet
     */
    public double matchedLearningRate() {
        if (!matchLearningRate || matchingCount == 0) {
            return Double.NaN;
        }
        return matchingAverage / (1 - Math.pow(DEFAULT_MATCHING_BETA, matchingCount));
    }

    /** The rate the next step uses: the base rate, scaled in stage 2 when learning-rate matching changed it. */
    @Override
    public double learningRate() {
        return lr * sgdScale;
    }

    /**
     * Sets the base rate; see the class comment for its scaling in stage 2 with matching.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    @Override
    public void setLearningRate(double lr) {
        Sgd.checkRate(lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT,
                "tso-alra(lr=%g, momentum=%g, preconditioner=%s, switch=%s, lr_matching=%s, isotropy=%s)", lr,
                momentum, preconditioner.describe(), rule.describe(), matchLearningRate ? "swats" : "off",
                noise == null ? "off" : noise.describe());
    }

    /**
     * Everything that determines future steps: counters, rates, stage, switch record, the rule's and the
     * isotropy estimator's state, and in stage 1 the momentum buffers and the preconditioner's state (under
     * {@code "preconditioner/"}).
     */
    @Override
    public OptimizerState exportState() {
        OptimizerState s = new OptimizerState(KIND)
                .putLong("steps", steps)
                .putDoubles("lr", new double[] {lr, sgdScale})
                .putString("stage", stage.name())
                .putLong("epoch", lastEpoch)
                .putLong("stepsInEpoch", stepsInEpoch)
                .putLong("previousEpochSteps", previousEpochSteps)
                .putDoubles("isotropy", new double[] {lastIsotropy})
                .putDoubles("matching", new double[] {matchingAverage})
                .putLong("matchingCount", matchingCount);
        rule.exportState(s, "rule/");
        if (noise != null) {
            noise.exportState(s, "isotropy/");
        }
        if (stage == Stage.PRECONDITIONED) {
            if (buffers != null) {
                for (int i = 0; i < buffers.length; i++) {
                    s.putFloats("momentum/" + parameters.get(i).name(), buffers[i]);
                }
            }
            preconditioner.exportState(s, "preconditioner/");
        } else {
            s.putLong("switch/epoch", event.epoch())
                    .putLong("switch/step", event.step())
                    .putString("switch/reason", event.reason())
                    .putDoubles("switch/lr", new double[] {event.learningRateBefore(), event.learningRateAfter()});
        }
        return s;
    }

    /**
     * Restores a state exported by a {@code TsoAlra} built with the same parameters and settings, in either stage.
     *
     * @throws IllegalArgumentException naming the first missing or mis-sized entry, an unknown stage, or the kind
     *                                  when the state comes from another optimizer; nothing is changed then
     */
    @Override
    public void importState(OptimizerState state) {
        state.requireKind(KIND);
        Stage restoredStage;
        try {
            restoredStage = Stage.valueOf(state.string("stage"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer state (" + KIND + ") has unknown stage '"
                    + state.string("stage") + "', expected one of PRECONDITIONED, SGD");
        }
        long restoredSteps = state.longValue("steps");
        double[] rates = exactly(state, "lr", 2);
        Sgd.checkRate(rates[0]);
        long epoch = state.longValue("epoch");
        long inEpoch = state.longValue("stepsInEpoch");
        long previous = state.longValue("previousEpochSteps");
        double iso = exactly(state, "isotropy", 1)[0];
        double average = exactly(state, "matching", 1)[0];
        long count = state.longValue("matchingCount");
        float[][] restoredBuffers = null;
        SwitchEvent restoredEvent = null;
        if (restoredStage == Stage.PRECONDITIONED && momentum > 0) {
            restoredBuffers = new float[parameters.size()][];
            for (int i = 0; i < restoredBuffers.length; i++) {
                restoredBuffers[i] = new float[parameters.get(i).size()];
                state.copyFloatsInto("momentum/" + parameters.get(i).name(), restoredBuffers[i]);
            }
        }
        if (restoredStage == Stage.SGD) {
            double[] switchRates = exactly(state, "switch/lr", 2);
            restoredEvent = new SwitchEvent((int) state.longValue("switch/epoch"), state.longValue("switch/step"),
                    state.string("switch/reason"), switchRates[0], switchRates[1]);
        }
        importParts(state, restoredStage);
        stage = restoredStage;
        allocateStageOneBuffers();
        if (restoredBuffers != null) {
            buffers = restoredBuffers;
        }
        steps = restoredSteps;
        lr = rates[0];
        sgdScale = rates[1];
        lastEpoch = (int) epoch;
        stepsInEpoch = inEpoch;
        previousEpochSteps = previous;
        lastIsotropy = iso;
        matchingAverage = average;
        matchingCount = count;
        event = restoredEvent;
    }

    /** Imports the rule, the estimator and (stage 1) the preconditioner, undoing the first two if a later one fails. */
    private void importParts(OptimizerState state, Stage restoredStage) {
        OptimizerState undo = new OptimizerState(KIND);
        rule.exportState(undo, "rule/");
        if (noise != null) {
            noise.exportState(undo, "isotropy/");
        }
        boolean ruleDone = false;
        try {
            rule.importState(state, "rule/");
            ruleDone = true;
            if (noise != null) {
                noise.importState(state, "isotropy/");
            }
            if (restoredStage == Stage.PRECONDITIONED) {
                preconditioner.importState(state, "preconditioner/");
            }
        } catch (IllegalArgumentException e) {
            if (ruleDone) {
                rule.importState(undo, "rule/");
                if (noise != null) {
                    noise.importState(undo, "isotropy/");
                }
            }
            throw e;
        }
    }

    private static double[] exactly(OptimizerState state, String name, int length) {
        double[] v = state.doubles(name);
        if (v.length != length) {
            throw new IllegalArgumentException("optimizer state (" + KIND + ") entry " + name + " has " + v.length
                    + " values, expected " + length);
        }
        return v;
    }

    /** Configures a {@link TsoAlra}; every setting has the default listed in the class comment. */
    public static final class Builder {
        private final List<Parameter> parameters;
        private final Preconditioner preconditioner;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double momentum;
        private SwitchRule rule = new FixedEpochSwitch(DEFAULT_SWITCH_EPOCH);
        private boolean matchLearningRate;
        private boolean trackIsotropy = true;
        private int sketchDimension = GradientNoiseIsotropy.DEFAULT_SKETCH_DIMENSION;
        private int pairs = GradientNoiseIsotropy.DEFAULT_PAIRS;
        private long seed = GradientNoiseIsotropy.DEFAULT_SEED;
        private long stepsPerEpoch;

        private Builder(List<Parameter> parameters, Preconditioner preconditioner) {
            this.parameters = List.copyOf(parameters);
            this.preconditioner = Objects.requireNonNull(preconditioner, "preconditioner");
        }

        /** @throws IllegalArgumentException if {@code lr} is negative or not finite */
        public Builder learningRate(double lr) {
            Sgd.checkRate(lr);
            this.learningRate = lr;
            return this;
        }

        /**
         * Stage-1 momentum; 0 (the default) is the paper's plain step.
         *
         * @throws IllegalArgumentException if {@code momentum} is outside {@code [0, 1]}
         */
        public Builder momentum(double momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /** When to switch to SGD. */
        public Builder switchRule(SwitchRule rule) {
            this.rule = Objects.requireNonNull(rule, "switch rule");
            return this;
        }

        /** Shorthand for {@code switchRule(new FixedEpochSwitch(epoch))}. */
        public Builder switchAfterEpoch(int epoch) {
            return switchRule(new FixedEpochSwitch(epoch));
        }

        /** SWATS learning-rate matching at the switch (off by default). */
        public Builder matchLearningRate(boolean on) {
            this.matchLearningRate = on;
            return this;
        }

        /** Whether to estimate the gradient-noise isotropy each epoch (on by default; an isotropy rule needs it). */
        public Builder trackIsotropy(boolean on) {
            this.trackIsotropy = on;
            return this;
        }

        /**
         * Settings of the isotropy estimator; see {@link GradientNoiseIsotropy}.
         *
         * @throws IllegalArgumentException if {@code sketchDimension} or {@code pairs} is outside {@code [2, 4096]}
         */
        public Builder isotropySketch(int sketchDimension, int pairs, long seed) {
            if (sketchDimension < 2 || sketchDimension > 4096 || pairs < 2 || pairs > 4096) {
                throw new IllegalArgumentException("isotropy sketch dimension and pairs must be in [2, 4096], got "
                        + sketchDimension + " and " + pairs);
            }
            this.sketchDimension = sketchDimension;
            this.pairs = pairs;
            this.seed = seed;
            return this;
        }

        /**
         * Steps in one epoch, when the caller knows it (batches per epoch), so that the first epoch's isotropy is
         * estimated too; later epochs take the length of the one before. Unknown by default: the first epoch then
         * has no estimate.
         *
         * @throws IllegalArgumentException if {@code steps < 1}
         */
        public Builder stepsPerEpoch(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps per epoch must be >= 1, got " + steps);
            }
            this.stepsPerEpoch = steps;
            return this;
        }

        /** @throws IllegalArgumentException if the rule needs the isotropy estimate and tracking is off */
        public TsoAlra build() {
            if (rule.needsIsotropy() && !trackIsotropy) {
                throw new IllegalArgumentException("switch rule " + rule.describe()
                        + " needs the isotropy estimate; do not turn trackIsotropy off");
            }
            return new TsoAlra(this);
        }
    }
}
