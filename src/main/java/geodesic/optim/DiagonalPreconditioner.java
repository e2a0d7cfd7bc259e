package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * The diagonal approximation {@code diag(F)^-1/2} of the paper's Eq. 4, estimated as in RMSprop: per parameter
 * element, {@code v <- rho v + (1 - rho) g^2} and {@code g <- g / (sqrt(v) + eps)}. Followed by a plain SGD step
 * this is exactly {@code torch.optim.RMSprop} without momentum, centering or weight decay, and it is "the existing
 * adaptive methods" the paper compares its block-diagonal preconditioner with.
 *
 * <p>{@code v} is an EMA of the squared mini-batch gradient, not of per-example gradients: the mini-batch
 * statistic RMSprop uses, whose noise part is about {@code 1/N} of the per-example Fisher diagonal.
 *
 * <p><b>Memory.</b> One float per parameter element. <b>Threading.</b> As {@link Preconditioner}: one thread.
 */
public final class DiagonalPreconditioner implements Preconditioner {
    private final List<Parameter> parameters;
    private final double decay;
    private final double epsilon;
    private final float[][] averages;
    private final Elementwise ops;

    /**
     * @param parameters the parameters whose gradients are preconditioned
     * @param decay      {@code rho}, the EMA decay, in {@code [0, 1)} (RMSprop's {@code alpha}, default 0.99)
     * @param epsilon    added to {@code sqrt(v)}, {@code > 0} and finite as a float (RMSprop's default 1e-8)
     * @throws IllegalArgumentException naming {@code decay} or {@code epsilon} when out of range
     */
    public DiagonalPreconditioner(List<Parameter> parameters, double decay, double epsilon) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("diagonal preconditioner decay must be in [0, 1), got " + decay);
        }
        if (!(epsilon > 0 && epsilon <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("diagonal preconditioner epsilon must be > 0 and finite as a float,"
                    + " got " + epsilon);
        }
        this.parameters = List.copyOf(parameters);
        this.decay = decay;
        this.epsilon = epsilon;
        this.averages = new float[this.parameters.size()][];
        for (int i = 0; i < averages.length; i++) {
            averages[i] = new float[this.parameters.get(i).size()];
        }
        this.ops = KernelProvider.get().elementwise();
    }

    /** RMSprop's defaults: {@code rho = 0.99}, {@code eps = 1e-8}. */
    public static DiagonalPreconditioner withDefaults(List<Parameter> parameters) {
        return new DiagonalPreconditioner(parameters, 0.99, 1e-8);
    }

    /** The parameters this preconditioner manages, in order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void precondition(long step) {
        for (int i = 0; i < averages.length; i++) {
            float[] g = parameters.get(i).grad().data();
            ops.diagonalPreconditionInPlace(g.length, g, 0, averages[i], 0, decay, epsilon);
        }
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "diagonal(rho=%g, eps=%g)", decay, epsilon);
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        for (int i = 0; i < averages.length; i++) {
            state.putFloats(prefix + "diagonal/" + parameters.get(i).name(), averages[i]);
        }
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        float[][] restored = new float[averages.length][];
        for (int i = 0; i < averages.length; i++) {
            restored[i] = new float[averages[i].length];
            state.copyFloatsInto(prefix + "diagonal/" + parameters.get(i).name(), restored[i]);
        }
        for (int i = 0; i < averages.length; i++) {
            System.arraycopy(restored[i], 0, averages[i], 0, restored[i].length);
        }
    }
}
