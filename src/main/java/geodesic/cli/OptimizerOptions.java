package geodesic.cli;

import geodesic.nn.Model;
import geodesic.kernel.Parallelism;
import geodesic.optim.Adagrad;
import geodesic.optim.Damping;
import geodesic.optim.Adam;
import geodesic.optim.DiagonalPreconditioner;
import geodesic.optim.FixedEpochSwitch;
import geodesic.optim.IsotropySwitch;
import geodesic.linalg.EigenPool;
import geodesic.optim.KroneckerPreconditioner;
import geodesic.optim.KroneckerSettings;
import geodesic.optim.Optimizer;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.Preconditioner;
import geodesic.optim.RmsProp;
import geodesic.optim.Sgd;
import geodesic.optim.SwitchRule;
import geodesic.optim.TsoAlra;
import geodesic.optim.ValidationPlateauSwitch;
import java.util.List;
import java.util.Set;

/**
 * The {@code --optimizer NAME} choice and its hyper-parameter options, shared by {@code train} and {@code bench}.
 * Defaults are each optimizer's usual ones (torch's), except that plain SGD defaults to lr 0.1 and momentum SGD to
 * lr 0.01 with momentum 0.9, which train the reference CNN.
 */
final class OptimizerOptions {
    static final List<String> NAMES = List.of("sgd", "momentum", "adam", "amsgrad", "rmsprop", "adagrad", "diagonal",
            "kronecker", "tso-alra");
    static final Set<String> OPTIONS = Set.of("optimizer", "lr", "momentum", "weight-decay", "beta1", "beta2", "eps",
            "switch-epoch", "switch", "patience", "preconditioner", "damping", "roots", "root-rank", "root-interval");
    static final Set<String> SWITCHES = Set.of("match-lr");

    private OptimizerOptions() {
    }

    /** The {@code --optimizer} given, or {@code fallback}. */
    static String name(Options o, String fallback) {
        return o.choice("optimizer", fallback, NAMES);
    }

    /** The learning rate given, or the optimizer's default. */
    static double learningRate(Options o, String name) {
        double fallback = switch (name) {
            case "sgd" -> 0.1;
            case "momentum" -> 0.01;
            case "adam", "amsgrad" -> Adam.DEFAULT_LR;
            case "rmsprop" -> RmsProp.DEFAULT_LR;
            case "adagrad" -> Adagrad.DEFAULT_LR;
            case "diagonal" -> 0.001;
            case "kronecker", "tso-alra" -> TsoAlra.DEFAULT_LEARNING_RATE;
            default -> throw new UsageException("unknown optimizer " + name);
        };
        return o.number("lr", fallback, 0, 1e6);
    }

    /**
     * Reads every optimizer option given, as {@link #create} would, so that a bad value or combination is reported
     * before any data is loaded or model built.
     *
     * @throws UsageException naming the first bad option and its value
     */
    static void check(Options o, String name) {
        learningRate(o, name);
        weightDecay(o);
        momentum(o, 0);
        beta1(o);
        beta2(o);
        eps(o, 0);
        kroneckerSettings(o);
        roots(o);
        preconditioner(o);
        switchRule(o, 0);
    }

    /**
     * Builds the named optimizer over {@code model}'s parameters.
     *
     * @param team           the kernel team the model uses; the Kronecker preconditioner runs its products on it
     * @param stepsPerEpoch  batches per epoch, for TSO-ALRA's per-epoch noise estimate
     * @param pool           where the Kronecker preconditioner decomposes its factors unless {@code --roots sync}
     *                       asks for decompositions on the training thread
     * @param plannedEpochs  the epochs the run will train, or 0 if unknown: without {@code --switch-epoch},
     *                       TSO-ALRA switches after epoch {@code min(25, plannedEpochs - 1)} (the paper's
     *                       Fashion-MNIST/VGG epoch, moved inside a shorter run so that it shows both stages)
     */
    static Optimizer create(Options o, String name, Model model, Parallelism team, long stepsPerEpoch,
                            EigenPool pool, int plannedEpochs) {
        double lr = learningRate(o, name);
        double wd = weightDecay(o);
        return switch (name) {
            case "sgd" -> new Sgd(model.parameters(), lr, 0, 0, false, wd);
            case "momentum" -> new Sgd(model.parameters(), lr, momentum(o, 0.9), 0, false, wd);
            case "adam", "amsgrad" -> new Adam(model.parameters(), lr, beta1(o), beta2(o), eps(o, Adam.DEFAULT_EPS),
                    wd, name.equals("amsgrad"));
            case "rmsprop" -> new RmsProp(model.parameters(), lr, RmsProp.DEFAULT_ALPHA,
                    eps(o, RmsProp.DEFAULT_EPS), wd, momentum(o, 0), false);
            case "adagrad" -> new Adagrad(model.parameters(), lr, 0, wd, 0, eps(o, Adagrad.DEFAULT_EPS));
            case "diagonal" -> PreconditionedSgd.diagonal(model.parameters(), lr);
            case "kronecker" -> PreconditionedSgd.kronecker(model, lr, kroneckerSettings(o), team, rootPool(o, pool));
            case "tso-alra" -> tsoAlra(o, model, lr, team, stepsPerEpoch, rootPool(o, pool), plannedEpochs);
            default -> throw new UsageException("unknown optimizer " + name);
        };
    }

    private static double weightDecay(Options o) {
        return o.number("weight-decay", 0, 0, 1);
    }

    private static double momentum(Options o, double fallback) {
        return o.number("momentum", fallback, 0, 1);
    }

    private static double beta1(Options o) {
        return o.number("beta1", Adam.DEFAULT_BETA1, 0, 1);
    }

    private static double beta2(Options o) {
        return o.number("beta2", Adam.DEFAULT_BETA2, 0, 1);
    }

    private static double eps(Options o, double fallback) {
        return o.number("eps", fallback, 0, 1);
    }

    private static String preconditioner(Options o) {
        return o.choice("preconditioner", "kronecker", List.of("kronecker", "diagonal"));
    }

    private static KroneckerSettings kroneckerSettings(Options o) {
        KroneckerSettings s = KroneckerSettings.defaults();
        if (o.has("root-interval")) {
            s = s.withRootInterval(o.integer("root-interval", s.rootInterval(), 1, 1_000_000));
        }
        if (o.has("root-rank")) {
            s = s.withRootRank(o.integer("root-rank", s.rootRank(), 0, 1_000_000));
        }
        if (!o.has("damping")) {
            return s;
        }
        Damping d = s.damping();
        return s.withDamping(new Damping(d.form(), d.scale(), o.number("damping", 0, 0, 1e6)));
    }

    /** {@code pool}, or null (synchronous roots) when {@code --roots sync}. */
    private static EigenPool rootPool(Options o, EigenPool pool) {
        return roots(o).equals("sync") ? null : pool;
    }

    private static String roots(Options o) {
        return o.choice("roots", "async", List.of("async", "sync"));
    }

    private static TsoAlra tsoAlra(Options o, Model model, double lr, Parallelism team, long stepsPerEpoch,
                                   EigenPool pool, int plannedEpochs) {
        Preconditioner preconditioner = switch (preconditioner(o)) {
            case "diagonal" -> DiagonalPreconditioner.withDefaults(model.parameters());
            default -> new KroneckerPreconditioner(model, kroneckerSettings(o), team, pool);
        };
        return TsoAlra.builder(model.parameters(), preconditioner)
                .learningRate(lr)
                .switchRule(switchRule(o, plannedEpochs))
                .matchLearningRate(o.flag("match-lr"))
                .stepsPerEpoch(Math.max(1, stepsPerEpoch))
                .build();
    }

    private static SwitchRule switchRule(Options o, int plannedEpochs) {
        String rule = o.choice("switch", "epoch", List.of("epoch", "plateau", "isotropy"));
        if (!rule.equals("epoch") && o.has("switch-epoch")) {
            throw new UsageException("--switch-epoch goes with --switch epoch, not --switch " + rule);
        }
        return switch (rule) {
            case "plateau" -> new ValidationPlateauSwitch(o.integer("patience", 3, 1, 100_000));
            case "isotropy" -> new IsotropySwitch(IsotropySwitch.DEFAULT_THRESHOLD,
                    o.integer("patience", IsotropySwitch.DEFAULT_PATIENCE, 1, 100_000), 1);
            default -> new FixedEpochSwitch(o.integer("switch-epoch", plannedEpochs > 1
                    ? Math.min(TsoAlra.DEFAULT_SWITCH_EPOCH, plannedEpochs - 1) : TsoAlra.DEFAULT_SWITCH_EPOCH,
                    1, 100_000));
        };
    }
}
