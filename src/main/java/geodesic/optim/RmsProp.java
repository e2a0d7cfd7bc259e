package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.RmsPropStep;
import geodesic.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RMSprop (Tieleman and Hinton, "Lecture 6.5 - rmsprop: Divide the gradient by a running average of its recent
 * magnitude", COURSERA: Neural Networks for Machine Learning, 2012; the centered variant from Graves, "Generating
 * Sequences With Recurrent Neural Networks", arXiv:1308.0850, 2013), with {@code torch.optim.RMSprop}'s formulas
 * and defaults. Element-wise:
 * <pre>
 * g'  = g + weight_decay * p
 * sq  = alpha * sq + (1 - alpha) * g'^2
 * avg = centered ? sqrt(sq - ga^2) + eps, after ga = alpha * ga + (1 - alpha) * g'
 *                : sqrt(sq) + eps
 * momentum > 0 ? (buf = momentum * buf + g' / avg; p -= lr * buf) : p -= lr * g' / avg
 * </pre>
 * {@code eps} is added outside the root and there is no bias correction, as in torch. One deliberate difference:
 * where the rounding of {@code sq} and {@code ga} makes the centered variance {@code sq - ga^2} negative (a nearly
 * constant gradient with a small {@code alpha}), it is taken as 0, where torch takes the root of a negative number
 * and turns the parameter into NaN.
 *
 * <p><b>Memory.</b> One extra copy of the parameters ({@code sq}), plus one for momentum and one for the centered
 * variant: up to three.
 *
 * <p><b>Speed.</b> The plain variant runs the fused SIMD kernel; momentum and centered run a scalar loop here.
 *
 * <p><b>State.</b> {@link #exportState()} has kind {@code "rmsprop"}, the long {@code "steps"}, the double
 * {@code "lr"} and per parameter {@code "square_avg/<name>"}, plus {@code "momentum_buffer/<name>"} with momentum
 * and {@code "grad_avg/<name>"} when centered (torch's state keys).
 */
public final class RmsProp implements Optimizer {
    /** torch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;
    /** torch's default decay of the squared-gradient average. */
    public static final double DEFAULT_ALPHA = 0.99;
    /** torch's default denominator offset. */
    public static final double DEFAULT_EPS = 1e-8;

    private final List<Parameter> parameters;
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;
    private final ParameterBuffers squareAvg;
    private final ParameterBuffers momentumBuffer;
    private final ParameterBuffers gradAvg;
    private final Elementwise ops;
    private double lr;
    private long steps;

    /**
     * @param parameters  the parameters to update, with distinct names
     * @param lr          learning rate, finite and {@code >= 0}
     * @param alpha       decay of the squared-gradient average, in {@code [0, 1]}
     * @param eps         denominator offset, finite and {@code > 0} (with 0, an element whose gradient has always
     *                    been 0 would step by 0/0)
     * @param weightDecay L2 penalty, finite and {@code >= 0}
     * @param momentum    momentum factor in {@code [0, 1)}; 0 keeps no buffer
     * @param centered    whether to normalise by the variance estimate {@code sq - ga^2} instead of {@code sq}
     * @throws IllegalArgumentException naming the value out of range, or a parameter name that appears twice
     */
    public RmsProp(List<Parameter> parameters, double lr, double alpha, double eps, double weightDecay,
                   double momentum, boolean centered) {
        Sgd.checkRate(lr);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (!(eps > 0 && Double.isFinite(eps))) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.parameters = ParameterBuffers.requireDistinctNames(parameters);
        this.lr = lr;
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
        this.squareAvg = new ParameterBuffers("square_avg", this.parameters, 0f);
        this.momentumBuffer = momentum > 0 ? new ParameterBuffers("momentum_buffer", this.parameters, 0f) : null;
        this.gradAvg = centered ? new ParameterBuffers("grad_avg", this.parameters, 0f) : null;
        this.ops = KernelProvider.get().elementwise();
    }

    /**
     * RMSprop with torch's defaults: {@code lr = 1e-2, alpha = 0.99, eps = 1e-8}; no decay, momentum, centering.
     *
     * @throws IllegalArgumentException if a parameter name appears twice
     */
    public static RmsProp of(List<Parameter> parameters) {
        return of(parameters, DEFAULT_LR);
    }

    /**
     * RMSprop with the given learning rate and torch's other defaults.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or a parameter name appears twice
     */
    public static RmsProp of(List<Parameter> parameters, double lr) {
        return new RmsProp(parameters, lr, DEFAULT_ALPHA, DEFAULT_EPS, 0, 0, false);
    }

    @Override
    public void step() {
        GradientCheck.requireFinite(ops, parameters, steps + 1);
        if (momentumBuffer == null && gradAvg == null) {
            RmsPropStep s = new RmsPropStep(lr, alpha, eps, weightDecay);
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                ops.rmsPropUpdate(p.size(), p.value().data(), 0, p.grad().data(), 0, squareAvg.of(i), 0, s);
            }
        } else {
            for (int i = 0; i < parameters.size(); i++) {
                stepVariant(parameters.get(i), squareAvg.of(i), momentumBuffer == null ? null : momentumBuffer.of(i),
                        gradAvg == null ? null : gradAvg.of(i));
            }
        }
        steps++;
    }

    /** The momentum and centered variants for one parameter; {@code buf} or {@code ga} is null when unused. */
    private void stepVariant(Parameter parameter, float[] sq, float[] buf, float[] ga) {
        float[] p = parameter.value().data();
        float[] g = parameter.grad().data();
        float rate = (float) lr;
        float wd = (float) weightDecay;
        float decay = (float) alpha;
        float take = (float) (1.0 - alpha);
        float offset = (float) eps;
        float mu = (float) momentum;
        for (int i = 0; i < p.length; i++) {
            float gi = wd == 0f ? g[i] : g[i] + wd * p[i];
            float si = decay * sq[i] + take * gi * gi;
            sq[i] = si;
            float variance = si;
            if (ga != null) {
                float ai = decay * ga[i] + take * gi;
                ga[i] = ai;
                // Rounded once, like torch's fused addcmul; the exact product of floats fits a double.
                variance = (float) Math.max((double) si - (double) ai * ai, 0.0);
            }
            float direction = gi / ((float) Math.sqrt(variance) + offset);
            if (buf != null) {
                direction = mu * buf[i] + direction;
                buf[i] = direction;
            }
            p[i] = p[i] - rate * direction;
        }
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
     * E.g. {@code "rmsprop(lr=0.0100000, alpha=0.990000, eps=1.00000e-08, weight_decay=0.00000, momentum=0.00000,
     * centered=false)"}.
     */
    @Override
    public String describe() {
        return String.format(Locale.ROOT,
                "rmsprop(lr=%g, alpha=%g, eps=%g, weight_decay=%g, momentum=%g, centered=%b)", lr, alpha, eps,
                weightDecay, momentum, centered);
    }

    @Override
    public OptimizerState exportState() {
        OptimizerState s = OptimizerState.withProgress("rmsprop", steps, lr);
        for (ParameterBuffers b : buffers()) {
            b.exportTo(s);
        }
        return s;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also for a float entry this optimizer has no place for (a momentum or
     *                                  centered buffer exported with other settings), or a negative step count or
     *                                  invalid learning rate in the state
     */
    @Override
    public void importState(OptimizerState state) {
        state.requireKind("rmsprop");
        long restoredSteps = state.steps();
        double restoredLr = state.learningRate();
        ParameterBuffers.restoreAll(state, describe(), buffers());
        steps = restoredSteps;
        lr = restoredLr;
    }

    private List<ParameterBuffers> buffers() {
        List<ParameterBuffers> all = new ArrayList<>(List.of(squareAvg));
        if (momentumBuffer != null) {
            all.add(momentumBuffer);
        }
        if (gradAvg != null) {
            all.add(gradAvg);
        }
        return all;
    }
}
