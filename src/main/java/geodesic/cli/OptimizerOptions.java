package geodesic.cli;

import geodesic.nn.Model;
import geodesic.optim.Adagrad;
import geodesic.optim.Adam;
import geodesic.optim.Optimizer;
import geodesic.optim.RmsProp;
import geodesic.optim.Sgd;
import java.util.List;
import java.util.Set;

/**
 * The {@code --optimizer NAME} choice and its hyper-parameter options, shared by {@code train} and {@code bench}.
 * Defaults are each optimizer's usual ones (torch's), except that plain SGD defaults to lr 0.1 and momentum SGD to
 * lr 0.01 with momentum 0.9, which train the reference CNN.
 */
final class OptimizerOptions {
    static final List<String> NAMES = List.of("sgd", "momentum", "adam", "amsgrad", "rmsprop", "adagrad");
    static final Set<String> OPTIONS = Set.of("optimizer", "lr", "momentum", "weight-decay", "beta1", "beta2", "eps");

    private OptimizerOptions() {
    }

    static String name(Options o) {
        return o.choice("optimizer", "momentum", NAMES);
    }

    /** The learning rate given, or the optimizer's default. */
    static double learningRate(Options o, String name) {
        double fallback = switch (name) {
            case "sgd" -> 0.1;
            case "momentum" -> 0.01;
            case "adam", "amsgrad" -> Adam.DEFAULT_LR;
            case "rmsprop" -> RmsProp.DEFAULT_LR;
            case "adagrad" -> Adagrad.DEFAULT_LR;
            default -> throw new UsageException("unknown optimizer " + name);
        };
        return o.number("lr", fallback, 0, 1e6);
    }

    /** Builds the named optimizer over {@code model}'s parameters. */
    static Optimizer create(Options o, String name, Model model) {
        double lr = learningRate(o, name);
        double wd = o.number("weight-decay", 0, 0, 1);
        return switch (name) {
            case "sgd" -> new Sgd(model.parameters(), lr, 0, 0, false, wd);
            case "momentum" -> new Sgd(model.parameters(), lr, o.number("momentum", 0.9, 0, 1), 0, false, wd);
            case "adam", "amsgrad" -> new Adam(model.parameters(), lr, o.number("beta1", Adam.DEFAULT_BETA1, 0, 1),
                    o.number("beta2", Adam.DEFAULT_BETA2, 0, 1), o.number("eps", Adam.DEFAULT_EPS, 0, 1), wd,
                    name.equals("amsgrad"));
            case "rmsprop" -> new RmsProp(model.parameters(), lr, RmsProp.DEFAULT_ALPHA,
                    o.number("eps", RmsProp.DEFAULT_EPS, 0, 1), wd, o.number("momentum", 0, 0, 1), false);
            case "adagrad" -> new Adagrad(model.parameters(), lr, 0, wd, 0, o.number("eps", Adagrad.DEFAULT_EPS, 0, 1));
            default -> throw new UsageException("unknown optimizer " + name);
        };
    }
}
