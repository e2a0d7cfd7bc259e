package geodesic.optim;

import geodesic.kernel.AdamStep;
import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) and its AMSGrad variant (Reddi,
 * Kale and Kumar, "On the Convergence of Adam and Beyond", ICLR 2018), with {@code torch.optim.Adam}'s formulas
 * and defaults. At step {@code t} (1-based), element-wise:
 * <pre>
 * g' = g + weight_decay * p                      (L2 decay in the gradient, not AdamW's decoupled decay)
 * m  = beta1 * m + (1 - beta1) * g'
 * v  = beta2 * v + (1 - beta2) * g'^2
 * v^ = amsgrad ? (vMax = max(vMax, v)) : v
 * p -= lr / (1 - beta1^t) * m / (sqrt(v^) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * {@code eps} is added after the bias correction of {@code sqrt(v)}, as torch does (not inside the root).
 *
 * <p><b>Memory.</b> Two extra copies of the parameters ({@code m}, {@code v}); three with AMSGrad ({@code vMax}).
 *
 * <p><b>State.</b> {@link #exportState()} has kind {@code "adam"} or {@code "amsgrad"}, the long {@code "steps"},
 * the double {@code "lr"} and per parameter {@code "exp_avg/<name>"}, {@code "exp_avg_sq/<name>"} and, for
 * AMSGrad, {@code "max_exp_avg_sq/<name>"} (torch's state keys).
 */
public final class Adam implements Optimizer {
    /** torch's default learning rate. */
    public static final double DEFAULT_LR = 1e-3;
    /** torch's default decay of the first moment. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** torch's default decay of the second moment. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** torch's default denominator offset. */
    public static final double DEFAULT_EPS = 1e-8;

    private final List<Parameter> parameters;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsGrad;
    private final ParameterBuffers expAvg;
    private final ParameterBuffers expAvgSq;
    private final ParameterBuffers maxExpAvgSq;
    private final Elementwise ops;
    private double lr;
    private long steps;

    /**
     * @param parameters  the parameters to update, with distinct names
     * @param lr          learning rate, finite and {@code >= 0}
     * @param beta1       first-moment decay, in {@code [0, 1)}
     * @param beta2       second-moment decay, in {@code [0, 1)}
     * @param eps         denominator offset, finite and {@code > 0} (with 0, an element whose gradient has always
     *                    been 0 would step by 0/0)
     * @param weightDecay L2 penalty, finite and {@code >= 0}
     * @param amsGrad     whether to normalise by the running maximum of {@code v} (AMSGrad)
     * @throws IllegalArgumentException naming the value out of range, or a parameter name that appears twice
     */
    public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsGrad) {
        Sgd.checkRate(lr);
        requireBeta("beta1", beta1);
        requireBeta("beta2", beta2);
        if (!(eps > 0 && Double.isFinite(eps))) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        this.parameters = ParameterBuffers.requireDistinctNames(parameters);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsGrad = amsGrad;
        this.expAvg = new ParameterBuffers("exp_avg", this.parameters, 0f);
        this.expAvgSq = new ParameterBuffers("exp_avg_sq", this.parameters, 0f);
        this.maxExpAvgSq = amsGrad ? new ParameterBuffers("max_exp_avg_sq", this.parameters, 0f) : null;
        this.ops = KernelProvider.get().elementwise();
    }

    /**
     * Adam with torch's defaults: {@code lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8}, no weight decay.
     *
     * @throws IllegalArgumentException if a parameter name appears twice
     */
    public static Adam of(List<Parameter> parameters) {
        return of(parameters, DEFAULT_LR);
    }

    /**
     * Adam with the given learning rate and torch's other defaults.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or a parameter name appears twice
     */
    public static Adam of(List<Parameter> parameters, double lr) {
        return new Adam(parameters, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0, false);
    }

    /**
     * AMSGrad with the given learning rate and torch's other defaults.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or a parameter name appears twice
     */
    public static Adam amsGrad(List<Parameter> parameters, double lr) {
        return new Adam(parameters, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0, true);
    }

    @Override
    public void step() {
        GradientCheck.requireFinite(ops, parameters, steps + 1);
        // The kernel takes an int step. Holding t at 2^31 - 1 beyond that is harmless: 1 - beta^t is then 1 to
        // within 1e-9 for every beta below 1 - 1e-8.
        int t = (int) Math.min(steps + 1, Integer.MAX_VALUE);
        AdamStep s = new AdamStep(lr, beta1, beta2, eps, weightDecay, t);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            ops.adamUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, expAvg.of(i), 0, expAvgSq.of(i), 0,
                    amsGrad ? maxExpAvgSq.of(i) : null, 0, s);
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

    /** E.g. {@code "adam(lr=0.00100000, betas=(0.900000, 0.999000), eps=1.00000e-08, weight_decay=0.00000)"}. */
    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s(lr=%g, betas=(%g, %g), eps=%g, weight_decay=%g)", kind(), lr, beta1,
                beta2, eps, weightDecay);
    }

    @Override
    public OptimizerState exportState() {
        OptimizerState s = OptimizerState.withProgress(kind(), steps, lr);
        for (ParameterBuffers b : buffers()) {
            b.exportTo(s);
        }
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
        state.requireKind(kind());
        long restoredSteps = state.steps();
        double restoredLr = state.learningRate();
        ParameterBuffers.restoreAll(state, describe(), buffers());
        steps = restoredSteps;
        lr = restoredLr;
    }

    private String kind() {
        return amsGrad ? "amsgrad" : "adam";
    }

    private List<ParameterBuffers> buffers() {
        return amsGrad ? List.of(expAvg, expAvgSq, maxExpAvgSq) : List.of(expAvg, expAvgSq);
    }

    private static void requireBeta(String name, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
        }
    }
}
