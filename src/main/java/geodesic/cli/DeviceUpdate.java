package geodesic.cli;

import geodesic.kernel.AdamStep;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.SgdStep;
import geodesic.nn.DeviceModel;
import geodesic.optim.Adam;
import java.util.List;

/**
 * The optimizers a {@link DeviceModel} can run ({@code --optimizer sgd|momentum|adam}), read from the same options
 * and with the same defaults as the host optimizers ({@link OptimizerOptions}), as one training step each.
 * Stateful (step count); one per training run.
 */
final class DeviceUpdate {
    static final List<String> SUPPORTED = List.of("sgd", "momentum", "adam");

    private final String name;
    private final double lr;
    private final double momentum;
    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private int steps;

    private DeviceUpdate(String name, double lr, double momentum, double weightDecay, double beta1, double beta2,
                         double eps) {
        this.name = name;
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** @throws UsageException if {@code name} has no device implementation */
    static DeviceUpdate of(String command, Options o, String name) {
        if (!SUPPORTED.contains(name)) {
            throw new UsageException(command + ": --device runs --optimizer " + String.join(", ", SUPPORTED)
                    + " on the device model, not '" + name + "'");
        }
        return new DeviceUpdate(name, OptimizerOptions.learningRate(o, name),
                name.equals("momentum") ? o.number("momentum", 0.9, 0, 1) : 0, o.number("weight-decay", 0, 0, 1),
                o.number("beta1", Adam.DEFAULT_BETA1, 0, 1), o.number("beta2", Adam.DEFAULT_BETA2, 0, 1),
                o.number("eps", Adam.DEFAULT_EPS, 0, 1));
    }

    String name() {
        return name;
    }

    double learningRate() {
        return lr;
    }

    /** One forward, backward and update on the device. @return the batch's mean loss */
    double step(DeviceModel model, float[] x, int[] labels, int batch) {
        steps++;
        return switch (name) {
            case "adam" -> model.trainStep(x, labels, batch, new AdamStep(lr, beta1, beta2, eps, weightDecay, steps));
            case "momentum" -> momentum == 0 ? model.trainStep(x, labels, batch, new SgdStep(lr, weightDecay))
                    : model.trainStep(x, labels, batch, new MomentumStep(lr, momentum, 0, false, weightDecay,
                            steps == 1));
            default -> model.trainStep(x, labels, batch, new SgdStep(lr, weightDecay));
        };
    }
}
