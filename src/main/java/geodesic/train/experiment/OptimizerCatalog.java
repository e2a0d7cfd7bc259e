package geodesic.train.experiment;

import geodesic.optim.Adagrad;
import geodesic.optim.Adam;
import geodesic.optim.Damping;
import geodesic.optim.DiagonalPreconditioner;
import geodesic.optim.KroneckerPreconditioner;
import geodesic.optim.KroneckerSettings;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.Preconditioner;
import geodesic.optim.TsoAlra;
import geodesic.optim.RmsProp;
import geodesic.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The optimizers an experiment may name, by the CLI's names, and the factories of those this build has. A name in
 * {@link #KNOWN} without a factory is an optimizer that is planned but not written yet: configurations may name it,
 * and {@link #check} refuses them with a message saying so, before anything trains.
 *
 * <p>Hyper-parameters of the built-in factories ({@code lr} is required everywhere, so that a configuration states
 * every learning rate it compares):
 * <ul>
 *   <li>{@code sgd}: {@code lr}, {@code weightDecay} (0). Plain SGD, the paper's Eq. 1.</li>
 *   <li>{@code momentum}: {@code lr}, {@code momentum} (0.9), {@code nesterov} (false), {@code weightDecay} (0).</li>
 *   <li>{@code adam}, {@code amsgrad}: {@code lr}, {@code beta1} (0.9), {@code beta2} (0.999), {@code eps} (1e-8),
 *       {@code weightDecay} (0); torch's formulas, see {@link Adam}.</li>
 *   <li>{@code rmsprop}: {@code lr}, {@code alpha} (0.99), {@code eps} (1e-8), {@code momentum} (0),
 *       {@code centered} (false), {@code weightDecay} (0).</li>
 *   <li>{@code adagrad}: {@code lr}, {@code lrDecay} (0), {@code initialAccumulatorValue} (0), {@code eps} (1e-10),
 *       {@code weightDecay} (0).</li>
 *   <li>{@code diagonal}: SGD on the RMSprop-like diagonal {@code F^-1/2 g} ({@link PreconditionedSgd}):
 *       {@code lr}, {@code momentum} (0), {@code decay} (0.99), {@code eps} (1e-8); with {@code switchEpoch}, the
 *       same stage followed by plain SGD ({@link TsoAlra} over the diagonal preconditioner, the ablation of
 *       TSO-ALRA's Kronecker factors), and then {@code matchLearningRate} (false).</li>
 *   <li>{@code kronecker}: SGD on the Kronecker-factored {@code F^-1/2 g}, TSO-ALRA's first stage without a
 *       switch, decomposing synchronously on the run's kernel team: {@code lr}, {@code momentum} (0),
 *       {@code settings} ("defaults" or "paper"), {@code gamma}, {@code factorInterval}, {@code rootInterval},
 *       {@code damping}, {@code convSampleFraction} (each defaulting to the chosen settings').</li>
 *   <li>{@code tso-alra}: {@link TsoAlra} over the Kronecker preconditioner: {@code lr}, {@code switchEpoch}
 *       (required: the last preconditioned epoch, scaled with the protocol), {@code momentum} (0),
 *       {@code matchLearningRate} (false), and the Kronecker settings above.</li>
 * </ul>
 *
 * <p>The two-stage optimizers record their switch (read into the table's switch column) and write the isotropy
 * of the gradient noise of each epoch ({@link TsoAlra#isotropy()}) as the CSV column {@code isotropy}.
 *
 * <p>Immutable; {@link #with} returns a new catalog.
 */
public final class OptimizerCatalog {
    /** The optimizer names of the CLI, in the order tables list them. */
    public static final List<String> KNOWN = List.of("sgd", "momentum", "adam", "amsgrad", "rmsprop", "adagrad",
            "diagonal", "kronecker", "tso-alra");

    private final List<String> known;
    private final Map<String, OptimizerFactory> factories;

    private OptimizerCatalog(List<String> known, Map<String, OptimizerFactory> factories) {
        this.known = List.copyOf(known);
        this.factories = Map.copyOf(factories);
    }

    /** The optimizers this build provides. */
    public static OptimizerCatalog standard() {
        Map<String, OptimizerFactory> f = new LinkedHashMap<>();
        f.put("sgd", h -> {
            double lr = h.number("lr", 0, 1e3);
            double wd = h.number("weightDecay", 0, 0, 1);
            return run -> ExperimentOptimizer.of(new Sgd(run.model().parameters(), lr, 0, 0, false, wd));
        });
        f.put("momentum", h -> {
            double lr = h.number("lr", 0, 1e3);
            double momentum = h.number("momentum", 0.9, 0, 1);
            boolean nesterov = h.flag("nesterov", false);
            double wd = h.number("weightDecay", 0, 0, 1);
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("nesterov needs momentum > 0");
            }
            return run -> ExperimentOptimizer.of(new Sgd(run.model().parameters(), lr, momentum, 0, nesterov, wd));
        });
        f.put("adam", h -> adam(h, false));
        f.put("amsgrad", h -> adam(h, true));
        f.put("rmsprop", h -> {
            double lr = h.number("lr", 0, 1e3);
            double alpha = h.number("alpha", RmsProp.DEFAULT_ALPHA, 0, 1);
            double eps = h.positive("eps", RmsProp.DEFAULT_EPS, 1);
            double momentum = h.decay("momentum", 0);
            boolean centered = h.flag("centered", false);
            double wd = h.number("weightDecay", 0, 0, 1);
            return run -> ExperimentOptimizer.of(
                    new RmsProp(run.model().parameters(), lr, alpha, eps, wd, momentum, centered));
        });
        f.put("adagrad", h -> {
            double lr = h.number("lr", 0, 1e3);
            double lrDecay = h.number("lrDecay", 0, 0, 1e3);
            double initial = h.number("initialAccumulatorValue", 0, 0, 1e3);
            double eps = h.positive("eps", Adagrad.DEFAULT_EPS, 1);
            double wd = h.number("weightDecay", 0, 0, 1);
            return run -> ExperimentOptimizer.of(
                    new Adagrad(run.model().parameters(), lr, lrDecay, wd, initial, eps));
        });
        f.put("diagonal", h -> {
            double lr = h.number("lr", 0, 1e3);
            double momentum = h.number("momentum", 0, 0, 1);
            double decay = h.decay("decay", 0.99);
            double eps = h.positive("eps", 1e-8, 1);
            OptionalInt switchEpoch = h.epoch("switchEpoch");
            if (switchEpoch.isPresent()) {
                boolean match = h.flag("matchLearningRate", false);
                return run -> twoStage(run, new DiagonalPreconditioner(run.model().parameters(), decay, eps), lr,
                        momentum, switchEpoch.getAsInt(), match);
            }
            return run -> ExperimentOptimizer.of(new PreconditionedSgd(run.model().parameters(),
                    new DiagonalPreconditioner(run.model().parameters(), decay, eps), lr, momentum));
        });
        f.put("kronecker", h -> {
            double lr = h.number("lr", 0, 1e3);
            double momentum = h.number("momentum", 0, 0, 1);
            KroneckerSettings settings = kroneckerSettings(h);
            return run -> ExperimentOptimizer.of(new PreconditionedSgd(run.model().parameters(),
                    new KroneckerPreconditioner(run.model(), settings, run.parallelism()), lr, momentum));
        });
        f.put("tso-alra", h -> {
            double lr = h.number("lr", 0, 1e3);
            double momentum = h.number("momentum", 0, 0, 1);
            OptionalInt switchEpoch = h.epoch("switchEpoch");
            if (switchEpoch.isEmpty()) {
                throw new IllegalArgumentException("missing hyper-parameter \"switchEpoch\" (the last epoch before"
                        + " the switch to SGD, in the paper's epochs); for no switch use \"kronecker\"");
            }
            boolean match = h.flag("matchLearningRate", false);
            KroneckerSettings settings = kroneckerSettings(h);
            return run -> twoStage(run, new KroneckerPreconditioner(run.model(), settings, run.parallelism()), lr,
                    momentum, switchEpoch.getAsInt(), match);
        });
        return of(KNOWN, f);
    }

    /**
     * TSO-ALRA's two stages over {@code preconditioner}, switching after a fixed epoch, with its switch record and
     * its per-epoch gradient-noise isotropy (the paper's Theorem 2 diagnostic) as the {@code isotropy} column.
     */
    private static ExperimentOptimizer twoStage(RunContext run, Preconditioner preconditioner, double lr,
                                                double momentum, int switchEpoch, boolean matchLearningRate) {
        TsoAlra t = TsoAlra.builder(run.model().parameters(), preconditioner)
                .learningRate(lr)
                .momentum(momentum)
                .switchAfterEpoch(switchEpoch)
                .matchLearningRate(matchLearningRate)
                .stepsPerEpoch(run.stepsPerEpoch())
                .build();
        return new ExperimentOptimizer(t,
                () -> t.switchEvent().map(e -> OptionalInt.of(e.epoch())).orElse(OptionalInt.empty()),
                Map.of("isotropy", t::isotropy));
    }

    private static OptimizerRecipe adam(Hyperparameters h, boolean amsGrad) {
        double lr = h.number("lr", 0, 1e3);
        double beta1 = h.decay("beta1", Adam.DEFAULT_BETA1);
        double beta2 = h.decay("beta2", Adam.DEFAULT_BETA2);
        double eps = h.positive("eps", Adam.DEFAULT_EPS, 1);
        double wd = h.number("weightDecay", 0, 0, 1);
        return run -> ExperimentOptimizer.of(new Adam(run.model().parameters(), lr, beta1, beta2, eps, wd, amsGrad));
    }

    /**
     * The Kronecker preconditioner's settings: {@code settings} ({@code "defaults"} or {@code "paper"}, see
     * {@link KroneckerSettings}), then {@code gamma}, {@code factorInterval}, {@code rootInterval}, {@code damping}
     * (the factored, absolute epsilon) and {@code convSampleFraction} override single values.
     */
    private static KroneckerSettings kroneckerSettings(Hyperparameters h) {
        KroneckerSettings s = h.choice("settings", "defaults", List.of("defaults", "paper")).equals("paper")
                ? KroneckerSettings.paper() : KroneckerSettings.defaults();
        s = s.withGamma(h.positive("gamma", s.gamma(), 1));
        s = s.withFactorInterval(h.integer("factorInterval", s.factorInterval(), 1, 1_000_000));
        s = s.withRootInterval(h.integer("rootInterval", s.rootInterval(), 1, 1_000_000));
        s = s.withDamping(Damping.factored(h.positive("damping", s.damping().epsilon(), 1e3)));
        return s.withConvSampleFraction(h.positive("convSampleFraction", s.convSampleFraction(), 1));
    }

    /**
     * A catalog of exactly these optimizers.
     *
     * @param known     the names configurations may use
     * @param factories the factories of those that are available; each key must be in {@code known}
     * @throws IllegalArgumentException naming a factory whose name is not in {@code known}
     */
    public static OptimizerCatalog of(List<String> known, Map<String, OptimizerFactory> factories) {
        for (String name : factories.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("factory for \"" + name + "\", which is not among the known names "
                        + known);
            }
        }
        return new OptimizerCatalog(known, factories);
    }

    /**
     * This catalog with {@code factory} under {@code name}, replacing any factory of that name; a name outside
     * {@link #KNOWN} becomes known.
     */
    public OptimizerCatalog with(String name, OptimizerFactory factory) {
        Objects.requireNonNull(factory, "factory");
        List<String> k = new ArrayList<>(known);
        if (!k.contains(name)) {
            k.add(name);
        }
        Map<String, OptimizerFactory> f = new LinkedHashMap<>(factories);
        f.put(name, factory);
        return new OptimizerCatalog(k, f);
    }

    /** Names with a factory, in {@link #KNOWN} order. */
    public List<String> available() {
        return known.stream().filter(factories::containsKey).toList();
    }

    /**
     * Configures every run of {@code config}: optimizer names, hyper-parameter names, types and ranges.
     *
     * @throws IllegalArgumentException naming the configuration file, the entry and the problem: an unknown
     *                                  optimizer, one not available in this build, an unknown, missing or
     *                                  malformed hyper-parameter
     */
    public void check(ExperimentConfig config) {
        for (OptimizerEntry entry : config.optimizers()) {
            factory(entry);
        }
        for (RunSpec run : config.runs()) {
            recipe(run);
        }
    }

    /**
     * The recipe for {@code run}'s optimizer.
     *
     * @throws IllegalArgumentException as {@link #check} does
     */
    public OptimizerRecipe recipe(RunSpec run) {
        OptimizerFactory factory = factory(run.entry());
        Hyperparameters h = new Hyperparameters(run.hyperparameters(),
                run.entry().path() + " (" + run.optimizer() + " for " + run.model() + ")");
        OptimizerRecipe recipe;
        try {
            recipe = factory.configure(h);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith(run.entry().path()) ? m
                    : run.entry().path() + " (" + run.optimizer() + "): " + m, e);
        }
        h.requireAllRead(run.optimizer());
        return recipe;
    }

    private OptimizerFactory factory(OptimizerEntry entry) {
        String name = entry.name();
        if (!known.contains(name)) {
            throw new IllegalArgumentException(entry.path() + ".name: unknown optimizer \"" + name + "\" (known: "
                    + String.join(", ", known) + ")");
        }
        OptimizerFactory f = factories.get(name);
        if (f == null) {
            throw new IllegalArgumentException(entry.path() + ".name: optimizer \"" + name
                    + "\" is not available in this build yet (available: " + String.join(", ", available()) + ")");
        }
        return f;
    }
}
