package geodesic.optim;

import geodesic.kernel.Elementwise;
import geodesic.nn.Parameter;
import java.util.List;

/** The check every optimizer runs before touching parameters: NaN or infinity in a gradient stops the step. */
final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * @param step the 1-based number of the step about to run, for the message
     * @throws ArithmeticException naming the parameter, the step and the offending index and value
     */
    static void requireFinite(Elementwise ops, List<Parameter> parameters, long step) {
        for (Parameter p : parameters) {
            float[] g = p.grad().data();
            int bad = ops.firstNonFinite(g.length, g, 0);
            if (bad >= 0) {
                throw new ArithmeticException("non-finite gradient " + g[bad] + " in " + p.name() + " at index " + bad
                        + " at step " + step + "; parameters left unchanged");
            }
        }
    }
}
