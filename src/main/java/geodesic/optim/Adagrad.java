package geodesic.optim;

import geodesic.kernel.AdagradStep;
import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * AdaGrad (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 12, 2011), with {@code torch.optim.Adagrad}'s formulas and defaults. At step {@code t}
 * (1-based), element-wise:
 * <pre>
 * g'  = g + weight_decay * p
 * sum = sum + g'^2                  (sum starts at initial_accumulator_value)
 * p  -= lr / (1 + (t - 1) * lr_decay) * g' / (sqrt(sum) + eps)
 * </pre>
 * The decayed rate uses the learning rate current at step {@code t}, so {@link #setLearningRate} changes the
 * base of the decay, as assigning torch's {@code param_groups[i]["lr"]} does.
 *
 * <p><b>Memory.</b> One extra copy of the parameters (the accumulated squares).
 *
 * <p><b>State.</b> {@link #exportState()} has kind {@code "adagrad"}, the long {@code "steps"}, the double
 * {@code "lr"} and per parameter {@code "sum/<name>"} (torch's state key).
 */
public final class Adagrad implements Optimizer {
    /** torch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;
    /** torch's default denominator offset. */
    public static final double DEFAULT_EPS = 1e-10;

    private final List<Parameter> parameters;
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulatorValue;
    private final double eps;
    private final ParameterBuffers sum;
    private final Elementwise ops;
    private double lr;
    private long steps;

    /**
     * @param parameters              the parameters to update, with distinct names
     * @param lr                      learning rate, finite and {@code >= 0}
     * @param lrDecay                 learning-rate decay, finite and {@code >= 0}
     * @param weightDecay             L2 penalty, finite and {@code >= 0}
     * @param initialAccumulatorValue start of every accumulated square, finite and {@code >= 0}
     * @param eps                     denominator offset, finite and {@code > 0} (with 0, an element whose gradient
     *                                has always been 0 would step by 0/0 unless the accumulator starts above 0)
     * @throws IllegalArgumentException naming the value out of range, or a parameter name that appears twice
     */
    public Adagrad(List<Parameter> parameters, double lr, double lrDecay, double weightDecay,
                   double initialAccumulatorValue, double eps) {
        Sgd.checkRate(lr);
        requireNonNegative("lrDecay", lrDecay);
        requireNonNegative("weightDecay", weightDecay);
        requireNonNegative("initialAccumulatorValue", initialAccumulatorValue);
        if (!(eps > 0 && Double.isFinite(eps))) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        this.parameters = ParameterBuffers.requireDistinctNames(parameters);
        this.lr = lr;
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.eps = eps;
        this.sum = new ParameterBuffers("sum", this.parameters, (float) initialAccumulatorValue);
        this.ops = KernelProvider.get().elementwise();
    }

    /**
     * AdaGrad with torch's defaults: {@code lr = 1e-2, eps = 1e-10}, no decays, accumulators from 0.
     *
     * @throws IllegalArgumentException if a parameter name appears twice
     */
    public static Adagrad of(List<Parameter> parameters) {
        return of(parameters, DEFAULT_LR);
    }

    /**
     * AdaGrad with the given learning rate and torch's other defaults.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or a parameter name appears twice
     */
    public static Adagrad of(List<Parameter> parameters, double lr) {
        return new Adagrad(parameters, lr, 0, 0, 0, DEFAULT_EPS);
    }

    @Override
    public void step() {
        GradientCheck.requireFinite(ops, parameters, steps + 1);
        // torch's clr with its 1-based step t; steps is t - 1 here.
        AdagradStep s = new AdagradStep(lr / (1 + steps * lrDecay), eps, weightDecay);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            ops.adagradUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, sum.of(i), 0, s);
        }
        steps++;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        Sgd.checkRate(lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /**
     * E.g. {@code "adagrad(lr=0.0100000, lr_decay=0.00000, weight_decay=0.00000,
     * initial_accumulator_value=0.00000, eps=1.00000e-10)"}.
     */
    @Override
    public String describe() {
        return String.format(Locale.ROOT,
                "adagrad(lr=%g, lr_decay=%g, weight_decay=%g, initial_accumulator_value=%g, eps=%g)", lr, lrDecay,
                weightDecay, initialAccumulatorValue, eps);
    }

    @Override
    public OptimizerState exportState() {
        OptimizerState s = OptimizerState.withProgress("adagrad", steps, lr);
        sum.exportTo(s);
        return s;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also for a float entry this optimizer has no place for, or a negative step
     *                                  count or invalid learning rate in the state
     */
    @Override
    public void importState(OptimizerState state) {
        state.requireKind("adagrad");
        long restoredSteps = state.steps();
        double restoredLr = state.learningRate();
        ParameterBuffers.restoreAll(state, describe(), List.of(sum));
        steps = restoredSteps;
        lr = restoredLr;
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }
}
