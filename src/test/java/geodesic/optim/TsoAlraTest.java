package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsoAlraTest {
    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.wrap(values.clone(), values.length), Tensor.zeros(values.length));
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    /** A fixed diagonal F^{-1/2} = diag(2, 0.5) for a two-element parameter. */
    private static ScalingPreconditioner diagonal(Parameter p) {
        return new ScalingPreconditioner(List.of(p), new float[][] {{2f, 0.5f}}, 0);
    }

    @Test
    void stageOneStepIsSgdOnThePreconditionedGradient() {
        Parameter p = param("w", 1f, 2f);
        ScalingPreconditioner pre = diagonal(p);
        TsoAlra opt = TsoAlra.builder(List.of(p), pre).learningRate(0.1).build();
        setGrad(p, 0.5f, -1f);
        opt.step();
        // F^{-1/2} g = (2 * 0.5, 0.5 * -1) = (1, -0.5); p -= 0.1 * (1, -0.5)
        assertArrayEquals(new float[] {0.9f, 2.05f}, p.value().data(), 1e-7f);
        assertEquals(List.of(1L), pre.steps, "the preconditioner gets the 1-based step");
        assertEquals(TsoAlra.Stage.PRECONDITIONED, opt.stage());
        assertEquals(1, opt.stepCount());
    }

    @Test
    void stageOneMomentumAccumulatesPreconditionedGradients() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).learningRate(0.1).momentum(0.9).build();
        setGrad(p, 0.5f, -1f);
        opt.step();
        assertArrayEquals(new float[] {0.9f, 2.05f}, p.value().data(), 1e-7f);
        setGrad(p, 0.5f, -1f);
        opt.step();
        // buf = 0.9 (1, -0.5) + (1, -0.5) = (1.9, -0.95); p -= 0.1 buf
        assertArrayEquals(new float[] {0.71f, 2.145f}, p.value().data(), 1e-6f);
    }

    @Test
    void stageTwoStepIsPlainSgdAndNoLongerPreconditions() {
        Parameter p = param("w", 1f, 2f);
        ScalingPreconditioner pre = diagonal(p);
        TsoAlra opt = TsoAlra.builder(List.of(p), pre).learningRate(0.1).momentum(0.9).switchAfterEpoch(1).build();
        setGrad(p, 0.5f, -1f);
        opt.step();
        opt.onEpochEnd(1, Double.NaN);
        assertEquals(TsoAlra.Stage.SGD, opt.stage());
        setGrad(p, 0.5f, -1f);
        opt.step();
        // plain SGD on the raw gradient, no momentum carried over: p -= 0.1 * (0.5, -1)
        assertArrayEquals(new float[] {0.85f, 2.15f}, p.value().data(), 1e-6f);
        assertEquals(List.of(1L), pre.steps, "stage 2 must not call the preconditioner");
    }

    @Test
    void theSwitchIsRecordedAndLoggedOnce() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).learningRate(0.1).switchAfterEpoch(2).build();
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(TsoAlra.class.getName());
        logger.addHandler(handler);
        try {
            for (int epoch = 1; epoch <= 4; epoch++) {
                for (int s = 0; s < 5; s++) {
                    setGrad(p, 0.01f, 0.02f);
                    opt.step();
                }
                opt.onEpochEnd(epoch, 1.0 / epoch);
                assertEquals(epoch >= 2, opt.switchEvent().isPresent(), "epoch " + epoch);
            }
        } finally {
            logger.removeHandler(handler);
        }
        SwitchEvent e = opt.switchEvent().orElseThrow();
        assertEquals(new SwitchEvent(2, 10, "fixed epoch 2", 0.1, 0.1), e);
        assertEquals(1, records.size(), "one log line per switch");
        assertEquals(Level.INFO, records.get(0).getLevel());
        String line = records.get(0).getMessage();
        assertTrue(line.contains("epoch 2") && line.contains("step 10") && line.contains("fixed epoch 2"), line);
    }

    @Test
    void switchRuleSeesEpochStepValidationLossAndIsotropy() {
        Parameter p = param("w", 1f, 2f);
        List<SwitchEvidence> seen = new ArrayList<>();
        SwitchRule recorder = new SwitchRule() {
            @Override
            public java.util.Optional<String> evaluate(SwitchEvidence evidence) {
                seen.add(evidence);
                return java.util.Optional.empty();
            }

            @Override
            public String describe() {
                return "recorder";
            }
        };
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).switchRule(recorder).trackIsotropy(false).build();
        for (int s = 0; s < 3; s++) {
            setGrad(p, 0.01f, 0.02f);
            opt.step();
        }
        opt.onEpochEnd(1, 0.75);
        assertEquals(List.of(new SwitchEvidence(1, 3, 0.75, Double.NaN)), seen);
    }

    @Test
    void learningRateMatchingEqualsTheHandComputedSwatsEstimate() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).learningRate(0.1).matchLearningRate(true)
                .switchAfterEpoch(1).build();
        float[][] grads = {{0.5f, -1f}, {1f, 1f}};
        double lambda = 0;
        double beta = TsoAlra.DEFAULT_MATCHING_BETA;
        for (float[] g : grads) {
            setGrad(p, g);
            opt.step();
            // Keskar & Socher 2017, Algorithm 1: p_k = step taken, gamma_k = p.p / (-p.g)
            double[] step = {-0.1 * 2 * g[0], -0.1 * 0.5 * g[1]};
            double pp = step[0] * step[0] + step[1] * step[1];
            double pg = step[0] * g[0] + step[1] * g[1];
            lambda = beta * lambda + (1 - beta) * (pp / -pg);
        }
        double expected = lambda / (1 - beta * beta);
        // gamma_1 = 0.1 * 1.25 / 1 = 0.125, gamma_2 = 0.1 * 4.25 / 2.5 = 0.17
        assertEquals((0.999 * 0.001 * 0.125 + 0.001 * 0.17) / (1 - 0.999 * 0.999), expected, 1e-15);
        assertEquals(expected, opt.matchedLearningRate(), 1e-12 * expected);
        opt.onEpochEnd(1, Double.NaN);
        SwitchEvent e = opt.switchEvent().orElseThrow();
        assertEquals(0.1, e.learningRateBefore());
        assertEquals(expected, e.learningRateAfter(), 1e-12 * expected);
        assertEquals(expected, opt.learningRate(), 1e-12 * expected);
        float before = p.value().data()[0];
        setGrad(p, 1f, 0f);
        opt.step();
        assertEquals(before - (float) expected, p.value().data()[0], 1e-6f);
        // a schedule's later rate keeps the matched ratio
        opt.setLearningRate(0.01);
        assertEquals(expected / 10, opt.learningRate(), 1e-12 * expected);
    }

    @Test
    void matchingIsOffByDefaultAndWithoutStepsKeepsTheRate() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra plain = TsoAlra.builder(List.of(p), diagonal(p)).learningRate(0.1).switchAfterEpoch(1).build();
        setGrad(p, 0.5f, -1f);
        plain.step();
        assertTrue(Double.isNaN(plain.matchedLearningRate()));
        plain.onEpochEnd(1, Double.NaN);
        assertEquals(0.1, plain.learningRate());
        TsoAlra idle = TsoAlra.builder(List.of(p), diagonal(p)).learningRate(0.1).matchLearningRate(true)
                .switchAfterEpoch(1).build();
        idle.onEpochEnd(1, Double.NaN);
        assertEquals(0.1, idle.learningRate(), "no preconditioned step, no estimate: the rate is kept");
    }

    /** Gradients whose noise is white after a diagonal whitening, strongly anisotropic before it. */
    private static float[] anisotropicGradient(SplittableRandom r, float[] scale) {
        float[] g = new float[scale.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (0.3 + scale[i] * r.nextGaussian());
        }
        return g;
    }

    @Test
    void isotropyDiagnosticMeasuresTheGradientEachStageMovesAlong() {
        int n = 300;
        float[] scale = new float[n];
        float[] whiten = new float[n];
        for (int i = 0; i < n; i++) {
            scale[i] = i < 3 ? 50f : 1f;
            whiten[i] = 1 / scale[i];
        }
        Parameter p = new Parameter("w", Tensor.zeros(n), Tensor.zeros(n));
        TsoAlra opt = TsoAlra.builder(List.of(p), new ScalingPreconditioner(List.of(p), new float[][] {whiten}, 0))
                .learningRate(0).switchRule(new IsotropySwitch(0.5, 2, 1)).stepsPerEpoch(40).build();
        SplittableRandom r = new SplittableRandom(11);
        double[] isotropy = new double[4];
        for (int epoch = 1; epoch <= 4; epoch++) {
            for (int s = 0; s < 40; s++) {
                setGrad(p, anisotropicGradient(r, scale));
                opt.step();
            }
            opt.onEpochEnd(epoch, Double.NaN);
            isotropy[epoch - 1] = opt.isotropy();
        }
        assertTrue(isotropy[0] > 0.6 && isotropy[1] > 0.6, "whitened noise in stage 1: " + isotropy[0] + ", "
                + isotropy[1]);
        assertEquals(2, opt.switchEvent().orElseThrow().epoch(), "the isotropy rule fires after two isotropic epochs");
        assertTrue(opt.switchEvent().orElseThrow().reason().startsWith("isotropic noise"));
        assertTrue(isotropy[2] < 0.2 && isotropy[3] < 0.2, "raw anisotropic noise in stage 2: " + isotropy[2] + ", "
                + isotropy[3]);
    }

    /** Two epochs of 20 white-noise steps; per epoch {estimate from its last window, the optimizer's estimate}. */
    private static double[][] lastWindowIsotropy(TsoAlra.Builder builder, Parameter p) {
        TsoAlra opt = builder.learningRate(0).isotropySketch(8, 4, 3).switchAfterEpoch(9).build();
        SplittableRandom r = new SplittableRandom(5);
        int stepsPerEpoch = 20;
        double[][] result = new double[2][2];
        for (int epoch = 1; epoch <= 2; epoch++) {
            GradientNoiseIsotropy expected = new GradientNoiseIsotropy(p.size(), 8, 4, 3);
            for (int s = 0; s < stepsPerEpoch; s++) {
                float[] g = new float[p.size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) r.nextGaussian();
                }
                setGrad(p, g);
                opt.step();
                if (s >= stepsPerEpoch - expected.window()) {
                    expected.addSample(List.of(g));
                }
            }
            opt.onEpochEnd(epoch, Double.NaN);
            result[epoch - 1] = new double[] {expected.isotropy(), opt.isotropy()};
        }
        return result;
    }

    @Test
    void eachEpochIsEstimatedFromItsLastWindowOfSteps() {
        Parameter p = new Parameter("w", Tensor.zeros(64), Tensor.zeros(64));
        double[][] unknownLength = lastWindowIsotropy(
                TsoAlra.builder(List.of(p), ScalingPreconditioner.identity(List.of(p))), p);
        assertTrue(Double.isNaN(unknownLength[0][1]), "a first epoch of unknown length is not estimated");
        assertEquals(unknownLength[1][0], unknownLength[1][1], "epoch 2 from its last 8 steps");
        double[][] knownLength = lastWindowIsotropy(
                TsoAlra.builder(List.of(p), ScalingPreconditioner.identity(List.of(p))).stepsPerEpoch(20), p);
        assertEquals(knownLength[0][0], knownLength[0][1], "epoch 1 from its last 8 steps when its length is given");
        assertEquals(knownLength[1][0], knownLength[1][1]);
    }

    /** Runs 3 epochs of 5 steps on seeded gradients, exporting after {@code exportAfter} steps. */
    private static final class Run {
        final Parameter p = param("w", 1f, -2f, 0.5f);
        final Parameter b = param("b", 0.25f);
        final ScalingPreconditioner pre = new ScalingPreconditioner(List.of(p, b),
                new float[][] {{2f, 0.5f, 1.5f}, {3f}}, 0.1);
        final TsoAlra opt = TsoAlra.builder(List.of(p, b), pre).learningRate(0.05).momentum(0.9)
                .matchLearningRate(true).isotropySketch(4, 2, 1).switchRule(new ValidationPlateauSwitch(1)).build();

        void step(int global) {
            SplittableRandom r = new SplittableRandom(global);
            setGrad(p, (float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian());
            setGrad(b, (float) r.nextGaussian());
            opt.step();
            if (global % 5 == 4) {
                int epoch = global / 5 + 1;
                opt.onEpochEnd(epoch, epoch == 1 ? 1.0 : 1.5);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8, 10, 12, 15})
    void exportedStateResumesBitExactlyAcrossTheSwitch(int exportAfter) {
        Run full = new Run();
        Run resumed = new Run();
        for (int s = 0; s < exportAfter; s++) {
            full.step(s);
        }
        OptimizerState saved = full.opt.exportState();
        resumed.opt.importState(saved);
        System.arraycopy(full.p.value().data(), 0, resumed.p.value().data(), 0, 3);
        System.arraycopy(full.b.value().data(), 0, resumed.b.value().data(), 0, 1);
        assertEquals(saved, resumed.opt.exportState());
        for (int s = exportAfter; s < 20; s++) {
            full.step(s);
            resumed.step(s);
        }
        assertEquals(TsoAlra.Stage.SGD, full.opt.stage());
        assertEquals(2, full.opt.switchEvent().orElseThrow().epoch());
        assertEquals(full.opt.switchEvent(), resumed.opt.switchEvent());
        assertArrayEquals(full.p.value().data(), resumed.p.value().data());
        assertArrayEquals(full.b.value().data(), resumed.b.value().data());
        assertEquals(full.opt.exportState(), resumed.opt.exportState());
        assertEquals(full.opt.learningRate(), resumed.opt.learningRate());
        assertEquals(full.opt.isotropy(), resumed.opt.isotropy());
    }

    @Test
    void importRefusesAnotherKindAndAMisSizedBufferWithoutChangingAnything() {
        Run run = new Run();
        for (int s = 0; s < 7; s++) {
            run.step(s);
        }
        OptimizerState before = run.opt.exportState();
        assertThrows(IllegalArgumentException.class, () -> run.opt.importState(new OptimizerState("sgd")));
        Run other = new Run();
        OptimizerState bad = new OptimizerState("tso-alra");
        other.opt.exportState().floats().forEach(bad::putFloats);
        other.opt.exportState().doubles().forEach(bad::putDoubles);
        other.opt.exportState().longs().forEach(bad::putLong);
        other.opt.exportState().strings().forEach(bad::putString);
        bad.putFloats("momentum/w", new float[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.opt.importState(bad));
        assertTrue(e.getMessage().contains("momentum/w"), e.getMessage());
        OptimizerState noPreconditioner = new OptimizerState("tso-alra");
        before.doubles().forEach(noPreconditioner::putDoubles);
        before.floats().forEach(noPreconditioner::putFloats);
        before.strings().forEach(noPreconditioner::putString);
        before.longs().forEach((k, v) -> {
            if (!k.startsWith("preconditioner/")) {
                noPreconditioner.putLong(k, v);
            }
        });
        run.opt.importState(run.opt.exportState());
        Run fresh = new Run();
        OptimizerState freshBefore = fresh.opt.exportState();
        assertThrows(IllegalArgumentException.class, () -> fresh.opt.importState(noPreconditioner));
        assertEquals(freshBefore, fresh.opt.exportState(), "a refused import changes nothing");
        assertEquals(before, run.opt.exportState());
    }

    @Test
    void lifecycleAndArgumentsAreChecked() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).build();
        opt.onEpochEnd(1, Double.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.onEpochEnd(1, Double.NaN));
        assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.onEpochEnd(0, Double.NaN));
        TsoAlra plateau = TsoAlra.builder(List.of(p), diagonal(p)).switchRule(new ValidationPlateauSwitch(2)).build();
        assertThrows(IllegalArgumentException.class, () -> plateau.onEpochEnd(1, Double.NaN));
        plateau.onEpochEnd(1, 0.5);
        assertThrows(IllegalArgumentException.class, () -> TsoAlra.builder(List.of(p), diagonal(p))
                .switchRule(new IsotropySwitch()).trackIsotropy(false).build());
        assertThrows(IllegalArgumentException.class, () -> TsoAlra.builder(List.of(p), diagonal(p)).learningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> TsoAlra.builder(List.of(p), diagonal(p)).momentum(1.5));
        assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.NaN));
    }

    @Test
    void nonFiniteGradientsStopTheStepBeforeAndAfterPreconditioning() {
        Parameter p = param("w", 1f, 2f);
        TsoAlra opt = TsoAlra.builder(List.of(p), diagonal(p)).build();
        setGrad(p, 0.5f, Float.NaN);
        ArithmeticException raw = assertThrows(ArithmeticException.class, opt::step);
        assertTrue(raw.getMessage().contains("w") && raw.getMessage().contains("step 1"), raw.getMessage());
        Parameter q = param("q", 1f, 2f);
        TsoAlra overflowing = TsoAlra.builder(List.of(q), new ScalingPreconditioner(List.of(q),
                new float[][] {{Float.MAX_VALUE, 1f}}, 0)).build();
        setGrad(q, 10f, 1f);
        ArithmeticException pre = assertThrows(ArithmeticException.class, overflowing::step);
        assertTrue(pre.getMessage().contains("after preconditioning by scaling"), pre.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, q.value().data());
        assertArrayEquals(new float[] {1f, 2f}, p.value().data());
    }

    @Test
    void describeNamesEverySetting() {
        Parameter p = param("w", 1f, 2f);
        String d = TsoAlra.builder(List.of(p), diagonal(p)).build().describe();
        assertEquals("tso-alra(lr=0.0100000, momentum=0.00000, preconditioner=scaling(decay=0.00000), "
                + "switch=fixed-epoch(25), lr_matching=off, isotropy=count-sketch(k=64, pairs=16))", d);
        assertFalse(TsoAlra.builder(List.of(p), diagonal(p)).trackIsotropy(false).build().describe()
                .contains("count-sketch"));
    }
}
