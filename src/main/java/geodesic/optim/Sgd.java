package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.SgdStep;
import geodesic.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * Stochastic gradient descent (paper Eq. 1), optionally with momentum, Nesterov momentum and L2 weight decay, with
 * {@code torch.optim.SGD}'s formulas: {@code g' = g + wd p; buf = momentum buf + (1 - dampening) g'} (the first
 * step sets {@code buf = g'}); the step direction is {@code buf}, or {@code g' + momentum buf} with Nesterov.
 * Momentum is Polyak's heavy ball ("Some methods of speeding up the convergence of iteration methods", USSR Comput.
 * Math. and Math. Phys. 4(5), 1964); the Nesterov form is the one of Sutskever, Martens, Dahl and Hinton ("On the
 * importance of initialization and momentum in deep learning", ICML 2013), as torch implements it.
 *
 * <p><b>Memory.</b> One extra copy of the parameters (the momentum buffers) when {@code momentum > 0}, none
 * otherwise.
 *
 * <p><b>State.</b> {@link #exportState()} has kind {@code "sgd"}, the long {@code "steps"}, the double
 * {@code "lr"} and, with momentum, per parameter {@code "momentum_buffer/<name>"} (torch's state key).
 */
public final class Sgd implements Optimizer {
    private final List<Parameter> parameters;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private final ParameterBuffers buffers;
    private final Elementwise ops;
    private double lr;
    private long steps;

    /**
     * @param parameters  the parameters to update, with distinct names
     * @param lr          learning rate, finite and {@code >= 0}
     * @param momentum    momentum factor in {@code [0, 1]}; 0 is plain SGD
     * @param dampening   dampening in {@code [0, 1]}
     * @param nesterov    Nesterov momentum (needs {@code momentum > 0} and {@code dampening == 0})
     * @param weightDecay L2 penalty, finite and {@code >= 0}
     * @throws IllegalArgumentException naming the value out of range, or a parameter name that appears twice
     */
    public Sgd(List<Parameter> parameters, double lr, double momentum, double dampening, boolean nesterov,
               double weightDecay) {
        checkRate(lr);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (!(dampening >= 0 && dampening <= 1)) {
            throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        }
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        this.parameters = ParameterBuffers.requireDistinctNames(parameters);
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.buffers = momentum > 0 ? new ParameterBuffers("momentum_buffer", this.parameters, 0f) : null;
        this.ops = KernelProvider.get().elementwise();
    }

    /**
     * Plain SGD: no momentum, no weight decay.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or a parameter name appears twice
     */
    public static Sgd plain(List<Parameter> parameters, double lr) {
        return new Sgd(parameters, lr, 0, 0, false, 0);
    }

    /**
     * SGD with classical momentum and no weight decay.
     *
     * @throws IllegalArgumentException if {@code lr} or {@code momentum} is out of range, or a parameter name
     *                                  appears twice
     */
    public static Sgd withMomentum(List<Parameter> parameters, double lr, double momentum) {
        return new Sgd(parameters, lr, momentum, 0, false, 0);
    }

    @Override
    public void step() {
        GradientCheck.requireFinite(ops, parameters, steps + 1);
        if (momentum == 0) {
            SgdStep s = new SgdStep(lr, weightDecay);
            for (Parameter p : parameters) {
                ops.sgdUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, s);
            }
        } else {
            MomentumStep s = new MomentumStep(lr, momentum, dampening, nesterov, weightDecay, steps == 0);
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                ops.momentumUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, buffers.of(i), 0, s);
            }
        }
        steps++;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        checkRate(lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "sgd(lr=%g, momentum=%g, dampening=%g, nesterov=%b, weight_decay=%g)",
                lr, momentum, dampening, nesterov, weightDecay);
    }

    @Override
    public OptimizerState exportState() {
        OptimizerState s = OptimizerState.withProgress("sgd", steps, lr);
        if (buffers != null) {
            buffers.exportTo(s);
        }
        return s;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also for a float entry this optimizer has no place for (momentum buffers
     *                                  offered to plain SGD), or a negative step count or invalid learning rate in
     *                                  the state
     */
    @Override
    public void importState(OptimizerState state) {
        state.requireKind("sgd");
        long restoredSteps = state.steps();
        double restoredLr = state.learningRate();
        ParameterBuffers.restoreAll(state, describe(), buffers == null ? List.of() : List.of(buffers));
        steps = restoredSteps;
        lr = restoredLr;
    }

    static void checkRate(double lr) {
        if (!(lr >= 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
    }
}
