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
import org.junit.jupiter.params.provider.ValueSource;

class AdamTest {
    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.wrap(values.clone(), values.length), Tensor.zeros(values.length));
    }

    private static Parameter param(float... values) {
        return param("w", values);
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    private static String message(Throwable t) {
        return t.getMessage();
    }

    @Test
    void twoStepsMatchHandComputedBiasCorrectedMoments() {
        Parameter p = param(1f, 2f);
        Adam adam = Adam.of(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        adam.step();
        // m^ = g, sqrt(v^) = |g|: the first step is lr * g / (|g| + eps), i.e. lr against the sign
        assertArrayEquals(new float[] {0.9f, 2.1f}, p.value().data(), 1e-6f);
        setGrad(p, 0.25f, 0.75f);
        adam.step();
        // m = 0.9 * 0.05 + 0.1 * 0.25 = 0.07, v = 0.999 * 2.5e-4 + 0.001 * 0.0625 = 3.1225e-4;
        // p -= 0.1 / (1 - 0.81) * 0.07 / (sqrt(3.1225e-4) / sqrt(1 - 0.998001) + 1e-8) = 0.0932180; likewise
        // m = -0.015, v = 0.0015619375 for the second element
        assertArrayEquals(new float[] {0.80678204f, 2.1089325f}, p.value().data(), 1e-6f);
        assertEquals(2, adam.stepCount());
    }

    @Test
    void epsIsAddedAfterBiasCorrectionAndWeightDecayEntersTheGradient() {
        Parameter p = param(1f, 2f);
        Adam adam = new Adam(List.of(p), 0.1, 0.9, 0.999, 0.5, 0.5, false);
        setGrad(p, 0.5f, -1f);
        adam.step();
        // g' = g + 0.5 p = (1, 0); step = lr * 1 / (sqrt(1) + 0.5) = 0.1 / 1.5. Inside the root it would be
        // 0.1 / sqrt(1.5), before the bias correction 0.1 * sqrt(0.001) / (sqrt(0.001) + 0.5)
        assertArrayEquals(new float[] {0.93333333f, 2f}, p.value().data(), 1e-6f);
    }

    @Test
    void amsGradNormalisesByTheRunningMaximumWhereAdamUsesTheCurrentMoment() {
        Parameter a = param(1f);
        Parameter b = param(1f);
        Adam ams = new Adam(List.of(a), 0.1, 0.9, 0.5, 1e-8, 0, true);
        Adam adam = new Adam(List.of(b), 0.1, 0.9, 0.5, 1e-8, 0, false);
        setGrad(a, 1f);
        setGrad(b, 1f);
        ams.step();
        adam.step();
        assertEquals(0.9f, a.value().data()[0], 1e-6f);
        assertEquals(0.9f, b.value().data()[0], 1e-6f);
        setGrad(a, 0f);
        setGrad(b, 0f);
        ams.step();
        adam.step();
        // m = 0.09, v = 0.25 < vMax = 0.5; bias corrections 0.19 and 0.75:
        // AMSGrad p -= 0.1 * (0.09 / 0.19) / (sqrt(0.5) / sqrt(0.75)) = 0.0580142
        // Adam    p -= 0.1 * (0.09 / 0.19) / (sqrt(0.25) / sqrt(0.75)) = 0.0820445
        assertEquals(0.84198577f, a.value().data()[0], 1e-6f);
        assertEquals(0.81795549f, b.value().data()[0], 1e-6f);
    }

    @Test
    void defaultsAreTorchsAndDescribeNamesEveryHyperParameter() {
        Adam adam = Adam.of(List.of(param(1f)));
        assertEquals(1e-3, adam.learningRate());
        assertEquals("adam(lr=0.00100000, betas=(0.900000, 0.999000), eps=1.00000e-08, weight_decay=0.00000)",
                adam.describe());
        assertEquals("amsgrad(lr=0.0500000, betas=(0.900000, 0.999000), eps=1.00000e-08, weight_decay=0.00000)",
                Adam.amsGrad(List.of(param(1f)), 0.05).describe());
    }

    @Test
    void badHyperParametersAreRejectedNamingTheValue() {
        List<Parameter> ps = List.of(param(1f));
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0, false))).contains("beta1"));
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> new Adam(ps, 0.1, 0.9, -0.5, 1e-8, 0, false))).contains("beta2 must be in [0, 1), got -0.5"));
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> new Adam(ps, 0.1, 0.9, 0.999, 0, 0, false))).contains("eps"));
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, Double.NaN, false))).contains("weightDecay"));
        assertTrue(message(assertThrows(IllegalArgumentException.class, () -> Adam.of(ps, -1))).contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> Adam.of(ps).setLearningRate(Double.POSITIVE_INFINITY));
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> Adam.of(List.of(param("fc.bias", 1f), param("fc.bias", 2f))))).contains("fc.bias"));
    }

    @Test
    void nonFiniteGradientStopsTheStepLeavingEverythingUnchanged() {
        Parameter p = param(1f, 2f);
        Adam adam = Adam.of(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        adam.step();
        OptimizerState before = adam.exportState();
        float[] values = p.value().data().clone();
        setGrad(p, Float.POSITIVE_INFINITY, 1f);
        ArithmeticException e = assertThrows(ArithmeticException.class, adam::step);
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("step 2"), e.getMessage());
        assertArrayEquals(values, p.value().data());
        assertEquals(before, adam.exportState());
    }

    @ParameterizedTest(name = "amsGrad={0}")
    @ValueSource(booleans = {false, true})
    void exportedStateResumesBitExactly(boolean amsGrad) {
        Parameter a = param("w", 1f, -2f, 0.5f);
        Parameter b = param("w", 0f, 0f, 0f);
        Adam first = new Adam(List.of(a), 0.1, 0.8, 0.9, 1e-8, 0.01, amsGrad);
        float[][] grads = {{0.5f, -1f, 2f}, {0.1f, 0.2f, -0.3f}, {-0.7f, 0.05f, 0.4f}, {0.3f, -0.6f, 0.9f}};
        for (int t = 0; t < 2; t++) {
            setGrad(a, grads[t]);
            first.step();
        }
        Adam second = new Adam(List.of(b), 0.7, 0.8, 0.9, 1e-8, 0.01, amsGrad);
        System.arraycopy(a.value().data(), 0, b.value().data(), 0, 3);
        second.importState(first.exportState());
        assertEquals(first.exportState(), second.exportState());
        assertEquals(0.1, second.learningRate());
        assertEquals(2, second.stepCount());
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
        Parameter p = param("w", 1f, 2f);
        Adam adam = Adam.of(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        adam.step();
        OptimizerState before = adam.exportState();

        OptimizerState wrongSize = Adam.of(List.of(param("w", 1f, 2f, 3f))).exportState();
        String e = message(assertThrows(IllegalArgumentException.class, () -> adam.importState(wrongSize)));
        assertTrue(e.contains("exp_avg/w") && e.contains("3"), e);

        OptimizerState otherName = Adam.of(List.of(param("v", 1f, 2f))).exportState();
        e = message(assertThrows(IllegalArgumentException.class, () -> adam.importState(otherName)));
        assertTrue(e.contains("/v"), e);

        OptimizerState ams = Adam.amsGrad(List.of(param("w", 1f, 2f)), 0.1).exportState();
        e = message(assertThrows(IllegalArgumentException.class, () -> adam.importState(ams)));
        assertTrue(e.contains("amsgrad"), e);

        OptimizerState missing = new OptimizerState("adam").putLong("steps", 3).putDoubles("lr", new double[] {0.1})
                .putFloats("exp_avg/w", new float[2]);
        e = message(assertThrows(IllegalArgumentException.class, () -> adam.importState(missing)));
        assertTrue(e.contains("exp_avg_sq/w"), e);

        OptimizerState badLr = adam.exportState().putDoubles("lr", new double[] {-0.5});
        e = message(assertThrows(IllegalArgumentException.class, () -> adam.importState(badLr)));
        assertTrue(e.contains("-0.5"), e);

        assertEquals(before, adam.exportState());
        assertEquals(0.1, adam.learningRate());
    }
}
