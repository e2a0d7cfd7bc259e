package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.RmsPropStep;
import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreconditionedSgdTest {

    private static Parameter param(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new Parameter(name, Tensor.wrap(v, n), Tensor.zeros(n));
    }

    private static void randomGradient(Parameter p, SplittableRandom r, double scale) {
        float[] g = p.grad().data();
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (scale * r.nextGaussian());
        }
    }

    /** Multiplies gradient element i by (i + 1) and counts its calls: a preconditioner simple enough to check. */
    private static final class Ramp implements Preconditioner {
        final List<Parameter> parameters;
        long lastStep;

        Ramp(List<Parameter> parameters) {
            this.parameters = parameters;
        }

        @Override
        public void precondition(long step) {
            lastStep = step;
            for (Parameter p : parameters) {
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= i + 1;
                }
            }
        }

        @Override
        public String describe() {
            return "ramp";
        }

        @Override
        public void exportState(OptimizerState state, String prefix) {
            state.putLong(prefix + "ramp", lastStep);
        }

        @Override
        public void importState(OptimizerState state, String prefix) {
            lastStep = state.longValue(prefix + "ramp");
        }
    }

    @Test
    void stepIsSgdOnThePreconditionedGradientWithTheStepNumber() {
        Parameter p = new Parameter("w", Tensor.wrap(new float[] {1f, 2f, 3f}, 3), Tensor.zeros(3));
        Ramp ramp = new Ramp(List.of(p));
        PreconditionedSgd opt = new PreconditionedSgd(List.of(p), ramp, 0.1, 0);
        System.arraycopy(new float[] {0.5f, -1f, 2f}, 0, p.grad().data(), 0, 3);
        opt.step();
        assertEquals(1, ramp.lastStep);
        assertArrayEquals(new float[] {1f - 0.05f, 2f + 0.2f, 3f - 0.6f}, p.value().data(), 1e-6f);
        opt.step();
        assertEquals(2, ramp.lastStep, "the preconditioner sees 1-based step numbers");
        assertEquals(2, opt.stepCount());
    }

    @Test
    void momentumActsOnThePreconditionedGradient() {
        Parameter p = new Parameter("w", Tensor.wrap(new float[] {0f, 0f}, 2), Tensor.zeros(2));
        PreconditionedSgd opt = new PreconditionedSgd(List.of(p), new Ramp(List.of(p)), 0.1, 0.9);
        System.arraycopy(new float[] {1f, 1f}, 0, p.grad().data(), 0, 2);
        opt.step();
        System.arraycopy(new float[] {1f, 1f}, 0, p.grad().data(), 0, 2);
        opt.step();
        // buffers: (1, 2), then 0.9 (1, 2) + (1, 2) = (1.9, 3.8); p = -0.1 ((1, 2) + (1.9, 3.8))
        assertArrayEquals(new float[] {-0.29f, -0.58f}, p.value().data(), 1e-6f);
    }

    /** The diagonal preconditioner followed by plain SGD is RMSprop without momentum, bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 31, 33, 257})
    void diagonalPreconditionedSgdIsRmsPropWithoutMomentum(int n) {
        Parameter a = param("w", n, n);
        Parameter b = param("w", n, n);
        PreconditionedSgd opt = PreconditionedSgd.diagonal(List.of(a), 0.01);
        Elementwise ops = KernelProvider.get().elementwise();
        float[] square = new float[n];
        RmsPropStep rms = new RmsPropStep(0.01, 0.99, 1e-8, 0);
        double[] reference = new double[n];
        double[] referenceSquare = new double[n];
        for (int i = 0; i < n; i++) {
            reference[i] = b.value().data()[i];
        }
        SplittableRandom r = new SplittableRandom(11);
        double worst = 0;
        for (int step = 1; step <= 50; step++) {
            randomGradient(a, r, Math.pow(0.9, step));
            System.arraycopy(a.grad().data(), 0, b.grad().data(), 0, n);
            for (int i = 0; i < n; i++) {
                double g = b.grad().data()[i];
                referenceSquare[i] = 0.99 * referenceSquare[i] + 0.01 * g * g;
                reference[i] -= 0.01 * g / (Math.sqrt(referenceSquare[i]) + 1e-8);
            }
            opt.step();
            ops.rmsPropUpdate(n, b.value().data(), 0, b.grad().data(), 0, square, 0, rms);
            assertArrayEquals(b.value().data(), a.value().data(), "step " + step);
            for (int i = 0; i < n; i++) {
                worst = Math.max(worst, Math.abs(a.value().data()[i] - reference[i]) / (1 + Math.abs(reference[i])));
            }
        }
        assertTrue(worst < 1e-5, "max relative error against the float64 RMSprop formula " + worst);
    }

    @Test
    void exportedStateResumesBitExactlyAndOtherPreconditionersAreRefused() {
        Parameter a = param("w", 9, 1);
        Parameter b = param("w", 9, 1);
        PreconditionedSgd first = new PreconditionedSgd(List.of(a),
                DiagonalPreconditioner.withDefaults(List.of(a)), 0.01, 0.9);
        PreconditionedSgd second = new PreconditionedSgd(List.of(b),
                DiagonalPreconditioner.withDefaults(List.of(b)), 0.5, 0.9);
        SplittableRandom r = new SplittableRandom(2);
        for (int step = 1; step <= 6; step++) {
            randomGradient(a, r, 1);
            System.arraycopy(a.grad().data(), 0, b.grad().data(), 0, 9);
            first.step();
            if (step == 3) {
                System.arraycopy(a.value().data(), 0, b.value().data(), 0, 9);
                second.importState(first.exportState());
                assertEquals(0.01, second.learningRate());
                assertEquals(3, second.stepCount());
            }
            if (step > 3) {
                second.step();
                assertArrayEquals(a.value().data(), b.value().data(), "step " + step);
            }
        }
        PreconditionedSgd ramp = new PreconditionedSgd(List.of(b), new Ramp(List.of(b)), 0.1, 0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ramp.importState(first.exportState()));
        assertTrue(e.getMessage().contains("diagonal") && e.getMessage().contains("ramp"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ramp.importState(Sgd.plain(List.of(b), 1).exportState()));
    }

    @Test
    void nonFiniteGradientLeavesParametersAndPreconditionerUntouched() {
        Parameter p = param("w", 3, 4);
        float[] before = p.value().data().clone();
        Ramp ramp = new Ramp(List.of(p));
        PreconditionedSgd opt = new PreconditionedSgd(List.of(p), ramp, 0.1, 0);
        p.grad().data()[1] = Float.NaN;
        ArithmeticException e = assertThrows(ArithmeticException.class, opt::step);
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("step 1"), e.getMessage());
        assertArrayEquals(before, p.value().data());
        assertEquals(0, ramp.lastStep);
    }

    @Test
    void badHyperParametersAreRejectedByName() {
        List<Parameter> ps = List.of(param("w", 2, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DiagonalPreconditioner(ps, 1, 1e-8))
                .getMessage().contains("decay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DiagonalPreconditioner(ps, 0.9, 0))
                .getMessage().contains("epsilon"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PreconditionedSgd.diagonal(ps, -1))
                .getMessage().contains("learning rate"));
    }
}
