package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdagradTest {
    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.wrap(values.clone(), values.length), Tensor.zeros(values.length));
    }

    private static Parameter param(float... values) {
        return param("w", values);
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    @Test
    void stepsShrinkWithTheAccumulatedSquares() {
        Parameter p = param(1f, 2f);
        Adagrad adagrad = Adagrad.of(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        adagrad.step();
        // sum = g^2: the first step is lr * g / |g| = 0.1 against the sign
        assertArrayEquals(new float[] {0.9f, 2.1f}, p.value().data(), 1e-6f);
        adagrad.step();
        // sum = 2 g^2: the second step is 0.1 / sqrt(2) = 0.0707107
        assertArrayEquals(new float[] {0.82928932f, 2.17071068f}, p.value().data(), 1e-6f);
    }

    @Test
    void learningRateDecayAndInitialAccumulatorFollowTorch() {
        Parameter p = param(1f);
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 0.5, 0, 0.75, 1e-10);
        setGrad(p, 0.5f);
        adagrad.step();
        // sum = 0.75 + 0.25 = 1; clr = lr at step 1: p -= 0.1 * 0.5 / 1
        assertEquals(0.95f, p.value().data()[0], 1e-6f);
        adagrad.step();
        // sum = 1.25; clr = 0.1 / (1 + 1 * 0.5); p -= 0.0666667 * 0.5 / sqrt(1.25) = 0.0298142
        assertEquals(0.92018576f, p.value().data()[0], 1e-6f);
    }

    @Test
    void setLearningRateChangesTheBaseOfTheDecay() {
        Parameter p = param(1f);
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 1, 0, 0, 1e-10);
        setGrad(p, 2f);
        adagrad.step();
        adagrad.setLearningRate(0.6);
        adagrad.step();
        // step 1: 0.1 * 2 / 2 = 0.1; step 2: clr = 0.6 / (1 + 1) = 0.3, sum = 8: 0.3 * 2 / sqrt(8) = 0.2121320
        assertEquals(0.68786797f, p.value().data()[0], 1e-6f);
    }

    @Test
    void epsIsAddedOutsideTheRootAndWeightDecayEntersTheGradient() {
        Parameter p = param(1f, 2f);
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 0, 0.5, 0, 0.5);
        setGrad(p, 0.5f, -1f);
        adagrad.step();
        // g' = g + 0.5 p = (1, 0); sum = (1, 0); p -= 0.1 * 1 / (1 + 0.5); the zero element stays (0 / 0.5)
        assertArrayEquals(new float[] {0.93333333f, 2f}, p.value().data(), 1e-6f);
    }

    @Test
    void defaultsAreTorchsAndDescribeNamesEveryHyperParameter() {
        Adagrad adagrad = Adagrad.of(List.of(param(1f)));
        assertEquals(1e-2, adagrad.learningRate());
        assertEquals("adagrad(lr=0.0100000, lr_decay=0.00000, weight_decay=0.00000, "
                + "initial_accumulator_value=0.00000, eps=1.00000e-10)", adagrad.describe());
    }

    @Test
    void badHyperParametersAreRejectedNamingTheValue() {
        List<Parameter> ps = List.of(param(1f));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.1, -0.5, 0, 0, 1e-10))
                .getMessage().contains("lrDecay must be finite and >= 0, got -0.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.1, 0, -1, 0, 1e-10))
                .getMessage().contains("weightDecay"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Adagrad(ps, 0.1, 0, 0, Double.POSITIVE_INFINITY, 1e-10)).getMessage()
                .contains("initialAccumulatorValue"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.1, 0, 0, 0, 0))
                .getMessage().contains("eps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adagrad.of(ps, -2))
                .getMessage().contains("-2"));
    }

    @Test
    void nonFiniteGradientStopsTheStepLeavingEverythingUnchanged() {
        Parameter p = param(1f, 2f);
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 0, 0, 0.25, 1e-10);
        OptimizerState before = adagrad.exportState();
        setGrad(p, 1f, Float.NEGATIVE_INFINITY);
        ArithmeticException e = assertThrows(ArithmeticException.class, adagrad::step);
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("step 1"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, p.value().data());
        assertEquals(before, adagrad.exportState());
    }

    @Test
    void exportedStateResumesBitExactlyIncludingTheDecayClock() {
        Parameter a = param(1f, -2f, 0.5f);
        Parameter b = param(0f, 0f, 0f);
        Adagrad first = new Adagrad(List.of(a), 0.1, 0.3, 0.01, 0.1, 1e-10);
        float[][] grads = {{0.5f, -1f, 2f}, {0.1f, 0.2f, -0.3f}, {-0.7f, 0.05f, 0.4f}, {0.3f, -0.6f, 0.9f}};
        for (int t = 0; t < 2; t++) {
            setGrad(a, grads[t]);
            first.step();
        }
        Adagrad second = new Adagrad(List.of(b), 0.9, 0.3, 0.01, 0.1, 1e-10);
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
        assertEquals(4, second.stepCount());
    }

    @Test
    void importRefusesMismatchedStateNamingTheEntryAndChangesNothing() {
        Parameter p = param("fc.weight", 1f, 2f);
        Adagrad adagrad = Adagrad.of(List.of(p), 0.1);
        setGrad(p, 0.5f, -1f);
        adagrad.step();
        OptimizerState before = adagrad.exportState();

        OptimizerState wrongSize = Adagrad.of(List.of(param("fc.weight", 1f, 2f, 3f, 4f))).exportState();
        String e = assertThrows(IllegalArgumentException.class, () -> adagrad.importState(wrongSize)).getMessage();
        assertTrue(e.contains("sum/fc.weight") && e.contains("4 values"), e);

        OptimizerState negativeSteps = adagrad.exportState().putLong("steps", -1);
        e = assertThrows(IllegalArgumentException.class, () -> adagrad.importState(negativeSteps)).getMessage();
        assertTrue(e.contains("steps") && e.contains("-1"), e);

        e = assertThrows(IllegalArgumentException.class,
                () -> adagrad.importState(Adam.of(List.of(param("fc.weight", 1f, 2f))).exportState())).getMessage();
        assertTrue(e.contains("adam"), e);

        assertEquals(before, adagrad.exportState());
    }
}
