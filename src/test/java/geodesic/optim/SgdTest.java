package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SgdTest {
    private static Parameter param(float... values) {
        return new Parameter("w", Tensor.wrap(values.clone(), values.length), Tensor.zeros(values.length));
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    @Test
    void plainStepMovesAgainstTheGradient() {
        Parameter p = param(1f, 2f);
        Sgd sgd = Sgd.plain(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        sgd.step();
        assertArrayEquals(new float[] {0.95f, 2.1f}, p.value().data(), 1e-7f);
        assertEquals(1, sgd.stepCount());
    }

    @Test
    void momentumMatchesHandComputedTwoSteps() {
        Parameter p = param(1f, 2f);
        Sgd sgd = Sgd.withMomentum(List.of(p), 0.1, 0.9);
        setGrad(p, 0.5f, -1f);
        sgd.step();
        assertArrayEquals(new float[] {0.95f, 2.1f}, p.value().data(), 1e-7f);
        sgd.step();
        // buf = 0.9 * g + g = 1.9 g; p -= 0.1 * 1.9 g
        assertArrayEquals(new float[] {0.855f, 2.29f}, p.value().data(), 1e-6f);
    }

    @Test
    void nesterovAndWeightDecayMatchHandComputedStep() {
        Parameter p = param(1f, 2f);
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.9, 0, true, 0.01);
        setGrad(p, 0.5f, -1f);
        sgd.step();
        // g' = g + 0.01 p = (0.51, -0.98); buf = g'; d = g' + 0.9 buf = 1.9 g'
        assertArrayEquals(new float[] {1f - 0.1f * 1.9f * 0.51f, 2f + 0.1f * 1.9f * 0.98f}, p.value().data(), 1e-6f);
    }

    @Test
    void nonFiniteGradientStopsTheStepNamingParameterAndStep() {
        Parameter p = param(1f, 2f);
        Sgd sgd = Sgd.plain(List.of(p), 0.1);
        setGrad(p, 0.5f, Float.NaN);
        ArithmeticException e = assertThrows(ArithmeticException.class, sgd::step);
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("step 1"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, p.value().data());
    }

    @Test
    void badHyperParametersAreRejectedByName() {
        List<Parameter> ps = List.of(param(1f));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sgd.plain(ps, -1)).getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sgd.withMomentum(ps, 0.1, 1.5))
                .getMessage().contains("momentum"));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, 0, 0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> Sgd.plain(ps, 0.1).setLearningRate(Double.NaN));
    }

    @Test
    void stepDecayDividesAtMilestones() {
        LearningRateSchedule s = LearningRateSchedule.stepDecay(0.1, List.of(81, 122), 0.1);
        assertEquals(0.1, s.rate(1), 1e-15);
        assertEquals(0.1, s.rate(80), 1e-15);
        assertEquals(0.01, s.rate(81), 1e-15);
        assertEquals(0.001, s.rate(164), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(0.1, List.of(0), 0.1));
    }

    @Test
    void exportedStateResumesBitExactly() {
        Parameter a = param(1f, 2f);
        Parameter b = param(1f, 2f);
        Sgd first = Sgd.withMomentum(List.of(a), 0.1, 0.9);
        setGrad(a, 0.5f, -1f);
        first.step();
        Sgd second = Sgd.withMomentum(List.of(b), 0.3, 0.9);
        System.arraycopy(a.value().data(), 0, b.value().data(), 0, 2);
        second.importState(first.exportState());
        assertEquals(first.exportState(), second.exportState());
        setGrad(a, 0.25f, 0.75f);
        setGrad(b, 0.25f, 0.75f);
        first.step();
        second.step();
        assertArrayEquals(a.value().data(), b.value().data());
    }

    @Test
    void importRefusesStateOfAnotherModelNamingTheEntry() {
        Sgd sgd = Sgd.withMomentum(List.of(param(1f, 2f)), 0.1, 0.9);
        OptimizerState other = Sgd.withMomentum(List.of(param(1f, 2f, 3f)), 0.1, 0.9).exportState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.importState(other));
        assertTrue(e.getMessage().contains("momentum_buffer/w") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.importState(new OptimizerState("adam")));
    }

    @Test
    void importRefusesMomentumBuffersOfferedToPlainSgdAndChangesNothing() {
        Sgd plain = Sgd.plain(List.of(param(1f, 2f)), 0.1);
        OptimizerState withMomentum = Sgd.withMomentum(List.of(param(1f, 2f)), 0.3, 0.9).exportState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plain.importState(withMomentum));
        assertTrue(e.getMessage().contains("momentum_buffer/w"), e.getMessage());

        Sgd sgd = Sgd.withMomentum(List.of(param(1f, 2f)), 0.1, 0.9);
        OptimizerState before = sgd.exportState();
        OptimizerState badLr = Sgd.withMomentum(List.of(param(1f, 2f)), 0.1, 0.9).exportState()
                .putFloats("momentum_buffer/w", new float[] {5f, 6f}).putDoubles("lr", new double[] {Double.NaN});
        assertThrows(IllegalArgumentException.class, () -> sgd.importState(badLr));
        assertEquals(before, sgd.exportState());
    }

    @Test
    void parametersSharingANameAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgd.plain(List.of(param(1f), param(2f)), 0.1));
        assertTrue(e.getMessage().contains("w"), e.getMessage());
    }
}
