package geodesic.optim;

import geodesic.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A test preconditioner with a known answer: multiplies gradient element {@code j} of parameter {@code i} by
 * {@code scales[i][j] / (1 + decay * calls)}, where {@code calls} counts earlier {@code precondition} calls. With
 * {@code decay = 0} it is a fixed diagonal {@code F^{-1/2}}; with {@code decay > 0} its result depends on its state,
 * so a checkpoint that forgot the state would show.
 */
final class ScalingPreconditioner implements Preconditioner {
    private final List<Parameter> parameters;
    private final float[][] scales;
    private final double decay;
    private long calls;
    final List<Long> steps = new ArrayList<>();

    ScalingPreconditioner(List<Parameter> parameters, float[][] scales, double decay) {
        this.parameters = List.copyOf(parameters);
        this.scales = scales;
        this.decay = decay;
    }

    /** The identity: {@code F^{-1/2} = I}. */
    static ScalingPreconditioner identity(List<Parameter> parameters) {
        float[][] ones = new float[parameters.size()][];
        for (int i = 0; i < ones.length; i++) {
            ones[i] = new float[parameters.get(i).size()];
            Arrays.fill(ones[i], 1f);
        }
        return new ScalingPreconditioner(parameters, ones, 0);
    }

    @Override
    public void precondition(long step) {
        steps.add(step);
        float factor = (float) (1 / (1 + decay * calls));
        for (int i = 0; i < scales.length; i++) {
            float[] g = parameters.get(i).grad().data();
            for (int j = 0; j < g.length; j++) {
                g[j] = g[j] * scales[i][j] * factor;
            }
        }
        calls++;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "scaling(decay=%g)", decay);
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        state.putLong(prefix + "calls", calls);
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        calls = state.longValue(prefix + "calls");
    }
}
