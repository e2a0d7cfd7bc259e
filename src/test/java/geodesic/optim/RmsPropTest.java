package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RmsPropTest {
    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.wrap(values.clone(), values.length), Tensor.zeros(values.length));
    }

    private static Parameter param(float... values) {
        return param("w", values);
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    /** Two steps with the gradient (0.5, -1) from (1, 2), lr 0.01, alpha 0.99, eps 1e-8. */
    private static float[] twoSteps(double momentum, boolean centered) {
        Parameter p = param(1f, 2f);
        RmsProp rms = new RmsProp(List.of(p), 0.01, 0.99, 1e-8, 0, momentum, centered);
        for (int t = 0; t < 2; t++) {
            setGrad(p, 0.5f, -1f);
            rms.step();
        }
        return p.value().data();
    }

    @Test
    void plainStepsMatchHandComputedValues() {
        // sq = 0.01 g^2, so the first step is lr * g / sqrt(0.01 g^2) = 0.1 against the sign; then
        // sq = 0.0199 g^2 and the step is 0.01 / sqrt(0.0199) = 0.0708881
        assertArrayEquals(new float[] {0.82911191f, 2.17088811f}, twoSteps(0, false), 1e-6f);
    }

    @Test
    void momentumAccumulatesTheNormalisedGradient() {
        // buf = 10 sign(g), then 0.9 * 10 + 7.08881 = 16.08881: p moves 0.1 then 0.1608881
        assertArrayEquals(new float[] {0.73911193f, 2.2608881f}, twoSteps(0.9, false), 1e-6f);
    }

    @Test
    void centeredDividesByTheVarianceEstimate() {
        // ga = 0.01 g, variance = 0.01 g^2 - 1e-4 g^2 = 0.0099 g^2: the first step is 0.01 / sqrt(0.0099) = 0.1005038;
        // then ga = 0.0199 g, variance = (0.0199 - 0.0199^2) g^2 and the step is 0.0716042
        assertArrayEquals(new float[] {0.82789209f, 2.17210793f}, twoSteps(0, true), 1e-6f);
    }

    @Test
    void epsIsAddedOutsideTheRootAndWeightDecayEntersTheGradient() {
        Parameter p = param(1f, 2f);
        RmsProp rms = new RmsProp(List.of(p), 0.01, 0.9, 0.1, 0.5, 0, false);
        setGrad(p, 0.5f, -1f);
        rms.step();
        // g' = g + 0.5 p = (1, 0); sq = 0.1; p -= 0.01 * 1 / (sqrt(0.1) + 0.1) = 0.0240253 (inside the root it
        // would be 0.01 / sqrt(0.2) = 0.0223607)
        assertArrayEquals(new float[] {0.97597469f, 2f}, p.value().data(), 1e-6f);
    }

    @Test
    void centeredVarianceRoundedBelowZeroIsTakenAsZero() {
        // With alpha 1e-4 and this constant gradient, the float32 averages after two steps give
        // sq - ga^2 = -7.5e-7 (torch 1.13 turns the parameter into NaN here). Step 1: variance 0.0018414,
        // p = 1 - 0.1 * g / (sqrt(0.0018414) + 1) = 0.5885622; step 2: variance 0, p -= 0.1 * g / 1
        Parameter p = param(1f);
        RmsProp rms = new RmsProp(List.of(p), 0.1, 1e-4, 1, 0, 0, true);
        for (int t = 0; t < 2; t++) {
            setGrad(p, 4.2909317f);
            rms.step();
        }
        assertEquals(0.15946907f, p.value().data()[0], 1e-6f);
    }

    @Test
    void defaultsAreTorchsAndDescribeNamesEveryHyperParameter() {
        RmsProp rms = RmsProp.of(List.of(param(1f)));
        assertEquals(1e-2, rms.learningRate());
        assertEquals("rmsprop(lr=0.0100000, alpha=0.990000, eps=1.00000e-08, weight_decay=0.00000, "
                + "momentum=0.00000, centered=false)", rms.describe());
    }

    @Test
    void badHyperParametersAreRejectedNamingTheValue() {
        List<Parameter> ps = List.of(param(1f));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RmsProp(ps, 0.01, 1.5, 1e-8, 0, 0, false)).getMessage()
                .contains("alpha must be in [0, 1], got 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RmsProp(ps, 0.01, 0.99, 0, 0, 0, false)).getMessage().contains("eps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RmsProp(ps, 0.01, 0.99, 1e-8, -1, 0, false)).getMessage().contains("weightDecay"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RmsProp(ps, 0.01, 0.99, 1e-8, 0, 1, false)).getMessage().contains("momentum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RmsProp.of(ps, Double.NaN))
                .getMessage().contains("NaN"));
    }

    @Test
    void nonFiniteGradientStopsTheStepLeavingEverythingUnchanged() {
        Parameter p = param(1f, 2f);
        RmsProp rms = new RmsProp(List.of(p), 0.01, 0.99, 1e-8, 0, 0.9, true);
        setGrad(p, Float.NaN, 1f);
        ArithmeticException e = assertThrows(ArithmeticException.class, rms::step);
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("step 1"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, p.value().data());
        assertArrayEquals(new float[2], rms.exportState().floats().get("square_avg/w"));
        assertEquals(0, rms.stepCount());
    }

    @ParameterizedTest(name = "momentum={0}, centered={1}")
    @CsvSource({"0, false", "0.9, false", "0, true", "0.5, true"})
    void exportedStateResumesBitExactly(double momentum, boolean centered) {
        Parameter a = param(1f, -2f, 0.5f);
        Parameter b = param(0f, 0f, 0f);
        RmsProp first = new RmsProp(List.of(a), 0.01, 0.9, 1e-8, 0.01, momentum, centered);
        float[][] grads = {{0.5f, -1f, 2f}, {0.1f, 0.2f, -0.3f}, {-0.7f, 0.05f, 0.4f}, {0.3f, -0.6f, 0.9f}};
        for (int t = 0; t < 2; t++) {
            setGrad(a, grads[t]);
            first.step();
        }
        RmsProp second = new RmsProp(List.of(b), 0.5, 0.9, 1e-8, 0.01, momentum, centered);
        System.arraycopy(a.value().data(), 0, b.value().data(), 0, 3);
        second.importState(first.exportState());
        assertEquals(first.exportState(), second.exportState());
        for (int t = 2; t < 4; t++) {
            setGrad(a, grads[t]);
            setGrad(b, grads[t]);
            first.step();
            second.step();
        }
        assertArrayEquals(a.value().data(), b.value().data());
        assertEquals(first.exportState(), second.exportState());
    }

    @Test
    void importRefusesMismatchedStateNamingTheEntryAndChangesNothing() {
        Parameter p = param(1f, 2f);
        RmsProp centered = new RmsProp(List.of(p), 0.01, 0.99, 1e-8, 0, 0, true);
        setGrad(p, 0.5f, -1f);
        centered.step();
        OptimizerState before = centered.exportState();

        OptimizerState plain = RmsProp.of(List.of(param(1f, 2f))).exportState();
        String e = assertThrows(IllegalArgumentException.class, () -> centered.importState(plain)).getMessage();
        assertTrue(e.contains("grad_avg/w"), e);

        OptimizerState withMomentum = new RmsProp(List.of(param(1f, 2f)), 0.01, 0.99, 1e-8, 0, 0.9, true)
                .exportState();
        e = assertThrows(IllegalArgumentException.class, () -> centered.importState(withMomentum)).getMessage();
        assertTrue(e.contains("momentum_buffer/w"), e);

        OptimizerState wrongSize = new RmsProp(List.of(param(1f)), 0.01, 0.99, 1e-8, 0, 0, true).exportState();
        e = assertThrows(IllegalArgumentException.class, () -> centered.importState(wrongSize)).getMessage();
        assertTrue(e.contains("/w") && e.contains("1 values"), e);

        e = assertThrows(IllegalArgumentException.class,
                () -> centered.importState(Adagrad.of(List.of(param(1f, 2f))).exportState())).getMessage();
        assertTrue(e.contains("adagrad"), e);

        assertEquals(before, centered.exportState());
    }
}
