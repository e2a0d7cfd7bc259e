package geodesic.optim;

import geodesic.kernel.KernelProvider;
import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.nn.Model;
import geodesic.nn.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD on preconditioned gradients, {@code theta <- theta - lr P(g)} (paper Eq. 2 with {@code P = G^-1/2}, Eq. 12
 * and 16 with the block-diagonal Kronecker {@code P}), optionally with momentum on {@code P(g)}: the
 * {@code --optimizer diagonal} and {@code --optimizer kronecker} of the command line, and TSO-ALRA's first stage
 * without the switch.
 *
 * <p><b>Step.</b> Checks the raw gradients, calls {@link Preconditioner#precondition(long)} with the 1-based step
 * number (which overwrites the gradients), then takes an {@link Sgd} step on them.
 *
 * <p><b>Memory.</b> The preconditioner's, plus one parameter copy with momentum. <b>Threading.</b> One thread.
 */
public final class PreconditionedSgd implements Optimizer {
    private static final String KIND = "preconditioned-sgd";

    private final List<Parameter> parameters;
    private final Preconditioner preconditioner;
    private final double momentum;
    private final Sgd sgd;

    /**
     * @param parameters     the parameters to update; the preconditioner must manage exactly their gradients
     * @param preconditioner replaces the gradients before each update
     * @param lr             learning rate, finite and {@code >= 0}
     * @param momentum       momentum on the preconditioned gradient, in {@code [0, 1]}; 0 for plain SGD
     * @throws IllegalArgumentException naming {@code lr} or {@code momentum} when out of range
     */
    public PreconditionedSgd(List<Parameter> parameters, Preconditioner preconditioner, double lr, double momentum) {
        this.parameters = List.copyOf(parameters);
        this.preconditioner = preconditioner;
        this.momentum = momentum;
        this.sgd = new Sgd(this.parameters, lr, momentum, 0, false, 0);
    }

    /** RMSprop without momentum: {@link DiagonalPreconditioner#withDefaults} and plain SGD at {@code lr}. */
    public static PreconditionedSgd diagonal(List<Parameter> parameters, double lr) {
        return new PreconditionedSgd(parameters, DiagonalPreconditioner.withDefaults(parameters), lr, 0);
    }

    /**
     * The Kronecker-preconditioned SGD of the paper's first stage over all of {@code model}'s parameters,
     * decomposing synchronously on {@code team} when {@code pool} is null and on {@code pool} otherwise.
     */
    public static PreconditionedSgd kronecker(Model model, double lr, KroneckerSettings settings, Parallelism team,
                                              EigenPool pool) {
        return new PreconditionedSgd(model.parameters(),
                new KroneckerPreconditioner(model, settings, team, pool), lr, 0);
    }

    /** The preconditioner this optimizer applies. */
    public Preconditioner preconditioner() {
        return preconditioner;
    }

    /**
     * @throws ArithmeticException if a raw gradient, a preconditioner statistic or a preconditioned gradient is
     *                             NaN or infinite; the parameters are then left unchanged
     */
    @Override
    public void step() {
        long step = sgd.stepCount() + 1;
        GradientCheck.requireFinite(KernelProvider.get().elementwise(), parameters, step);
        preconditioner.precondition(step);
        sgd.step();
    }

    @Override
    public double learningRate() {
        return sgd.learningRate();
    }

    @Override
    public void setLearningRate(double lr) {
        sgd.setLearningRate(lr);
    }

    @Override
    public long stepCount() {
        return sgd.stepCount();
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s + %s", preconditioner.describe(), sgd.describe());
    }

    @Override
    public OptimizerState exportState() {
        OptimizerState s = new OptimizerState(KIND).putString("preconditioner", preconditioner.describe());
        OptimizerState inner = sgd.exportState();
        for (Map.Entry<String, float[]> e : inner.floats().entrySet()) {
            s.putFloats("sgd/" + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, double[]> e : inner.doubles().entrySet()) {
            s.putDoubles("sgd/" + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : inner.longs().entrySet()) {
            s.putLong("sgd/" + e.getKey(), e.getValue());
        }
        preconditioner.exportState(s, "preconditioner/");
        return s;
    }

    /**
     * @throws IllegalArgumentException if the state is of another kind, was exported with another preconditioner
     *                                  or settings, or misses an entry; nothing is changed then
     */
    @Override
    public void importState(OptimizerState state) {
        state.requireKind(KIND);
        String exported = state.string("preconditioner");
        if (!exported.equals(preconditioner.describe())) {
            throw new IllegalArgumentException("optimizer state was exported with preconditioner " + exported
                    + ", this optimizer runs " + preconditioner.describe());
        }
        OptimizerState inner = new OptimizerState("sgd");
        state.floats().forEach((k, v) -> {
            if (k.startsWith("sgd/")) {
                inner.putFloats(k.substring(4), v);
            }
        });
        state.doubles().forEach((k, v) -> {
            if (k.startsWith("sgd/")) {
                inner.putDoubles(k.substring(4), v);
            }
        });
        state.longs().forEach((k, v) -> {
            if (k.startsWith("sgd/")) {
                inner.putLong(k.substring(4), v);
            }
        });
        // A throw-away Sgd checks the SGD entries before the preconditioner changes anything.
        new Sgd(parameters, 0, momentum, 0, false, 0).importState(inner);
        preconditioner.importState(state, "preconditioner/");
        sgd.importState(inner);
    }
}
