package geodesic.optim;

import static geodesic.optim.PreconditionerReference.ema;
import static geodesic.optim.PreconditionerReference.gradientStatistic;
import static geodesic.optim.PreconditionerReference.inputStatistic;
import static geodesic.optim.PreconditionerReference.inverseRoot;
import static geodesic.optim.PreconditionerReference.meanEigenvalue;
import static geodesic.optim.PreconditionerReference.multiply;
import static geodesic.optim.PreconditionerReference.random;
import static geodesic.optim.PreconditionerReference.relativeError;
import static geodesic.optim.PreconditionerReference.stacked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Mode;
import geodesic.nn.Parameter;
import geodesic.nn.Sequential;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KroneckerPreconditionerTest {
    /** The bare update of Eq. 16: no rescaling, no shrinkage, roots every step. */
    private static final KroneckerSettings BARE = KroneckerSettings.paper().withRootInterval(1);

    /** A small net with two Dense layers (a hidden ReLU), for schedule and state tests. */
    private static Sequential smallNet(long seed) {
        return Sequential.builder(6).dense(5).relu().dense(3).build(seed);
    }

    /** Runs forward and backward on random data for {@code step}, with its own seeded generator. */
    private static void backward(Sequential net, int n, long step) {
        SplittableRandom r = new SplittableRandom(1000 + step);
        net.zeroGrad();
        Tensor y = net.forward(random(r, 1, net.inputShape().withBatch(n)), Mode.TRAIN);
        net.backward(random(r, 1.0 / n, y.shape()));
    }

    private static List<float[]> gradients(Sequential net) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            out.add(p.grad().data().clone());
        }
        return out;
    }

    /** Preconditioned gradients of {@code steps} steps on {@link #smallNet}, concatenated per step. */
    private static List<float[]> run(Function<Sequential, KroneckerPreconditioner> make, int steps) {
        Sequential net = smallNet(2);
        KroneckerPreconditioner k = make.apply(net);
        List<float[]> out = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            backward(net, 7, s);
            k.precondition(s);
            out.addAll(gradients(net));
        }
        return out;
    }

    /**
     * Feeds a single-layer model a product design: every input {@code alpha_i} with every output gradient
     * {@code beta_j}, so the per-example gradients are {@code [alpha_i; 1] (x) beta_j} and the exact Fisher block
     * is {@code A (x) B}. A 2x2 convolution over 2x2 images has one output position and so the same structure.
     */
    private static void feedProductDesign(Sequential net, boolean conv, long seed) {
        int inputs = 4;
        int out = 3;
        int alphas = 6;
        int betas = 4;
        int n = alphas * betas;
        SplittableRandom r = new SplittableRandom(seed);
        Tensor alpha = random(r, 1, alphas, inputs);
        Tensor beta = random(r, 1, betas, out);
        Tensor x = conv ? Tensor.zeros(n, 1, 2, 2) : Tensor.zeros(n, inputs);
        Tensor dy = conv ? Tensor.zeros(n, out, 1, 1) : Tensor.zeros(n, out);
        for (int i = 0; i < alphas; i++) {
            for (int j = 0; j < betas; j++) {
                int e = i * betas + j;
                System.arraycopy(alpha.data(), i * inputs, x.data(), e * inputs, inputs);
                for (int o = 0; o < out; o++) {
                    dy.data()[e * out + o] = beta.data()[j * out + o] / n;
                }
            }
        }
        net.zeroGrad();
        net.forward(x, Mode.TRAIN);
        net.backward(dy);
    }

    private static Sequential productDesignNet(boolean conv) {
        return conv ? Sequential.builder(1, 2, 2).conv2d(3, 2, 1, 0).build(5)
                : Sequential.builder(4).dense(3).build(5);
    }

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void eigenbasisKroneckerStepEqualsFullBlockWhenTheFisherIsAKroneckerProduct(boolean conv, boolean relative) {
        Damping damping = relative ? Damping.eigenbasis(0.05).relative() : Damping.eigenbasis(1e-2);
        Sequential kron = productDesignNet(conv);
        Preconditioner k = new KroneckerPreconditioner(kron, BARE.withDamping(damping), Parallelism.sequential());
        Sequential full = productDesignNet(conv);
        Preconditioner f = new FullBlockPreconditioner(full, 0.05, 20, damping, 64, Parallelism.sequential());
        feedProductDesign(kron, conv, 5);
        feedProductDesign(full, conv, 5);
        k.precondition(1);
        f.precondition(1);

        Parameter kw = kron.parameters().get(0);
        Parameter kb = kron.parameters().get(1);
        double[] want = stacked(full.parameters().get(0).grad().data(), full.parameters().get(1).grad().data());
        float[] got = new float[want.length];
        System.arraycopy(kw.grad().data(), 0, got, 0, kw.size());
        System.arraycopy(kb.grad().data(), 0, got, kw.size(), kb.size());
        double err = relativeError(got, want);
        assertTrue(err < 1e-6, "Kronecker vs full-block step: max relative error " + err);
    }

    /** Two steps of EMA factors and fresh roots against {@code (A + eps_A)^-1/2 G (B + eps_B)^-1/2} in float64. */
    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void factoredStepMatchesFloat64Reference(boolean relative, boolean shrink) {
        Damping damping = relative ? Damping.factored(0.05).relative() : Damping.factored(1e-3);
        double shrinkage = shrink ? 0.3 : 0;
        KroneckerSettings settings = BARE.withGamma(0.3).withDamping(damping).withShrinkage(shrinkage);
        int in = 9;
        int out = 7;
        int n = 8;
        Sequential net = Sequential.builder(in).dense(out).build(3);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, settings, Parallelism.sequential());
        KroneckerFactorSource layer = net.kroneckerFactorSources().get(0);
        double[] a = new double[(in + 1) * (in + 1)];
        double[] b = new double[out * out];
        double squaredWeights = 0;
        for (int step = 1; step <= 2; step++) {
            backward(net, n, step);
            ema(a, inputStatistic(layer.inputs().data(), in, 0, n), 0.3, step == 1);
            ema(b, gradientStatistic(layer.outputGradients().data(), n, out, 1, 0, n), 0.3, step == 1);
            squaredWeights = step == 1 ? 1 : 0.49 * squaredWeights + 0.09;
            double[] g = stacked(layer.weight().grad().data(), layer.bias().grad().data());
            k.precondition(step);
            double meanA = meanEigenvalue(a, in + 1);
            double meanB = meanEigenvalue(b, out);
            double shiftA = damping.factorEpsilon(meanA) + shrinkage * (in + 1) * squaredWeights / n * meanA;
            double shiftB = damping.factorEpsilon(meanB) + shrinkage * out * squaredWeights / n * meanB;
            double[] want = multiply(multiply(inverseRoot(a, in + 1, shiftA), g, in + 1, in + 1, out),
                    inverseRoot(b, out, shiftB), in + 1, out, out);
            float[] got = new float[want.length];
            System.arraycopy(layer.weight().grad().data(), 0, got, 0, in * out);
            System.arraycopy(layer.bias().grad().data(), 0, got, in * out, out);
            double err = relativeError(got, want);
            assertTrue(err < 2e-5, "step " + step + ": max relative error " + err);
        }
    }

    /**
     * When the output gradients grow by a constant factor, B grows by its square and A stays: rescaled stale roots
     * from step 1 then give exactly the step that fresh roots give.
     */
    @ParameterizedTest
    @ValueSource(strings = {"factored-relative", "eigenbasis-absolute", "eigenbasis-relative"})
    void traceRescaledStaleRootsEqualFreshRootsWhenFactorsOnlyChangeScale(String form) {
        Damping damping = switch (form) {
            case "factored-relative" -> Damping.factored(0.01).relative();
            case "eigenbasis-absolute" -> Damping.eigenbasis(1e-3);
            default -> Damping.eigenbasis(0.01).relative();
        };
        KroneckerSettings stale = KroneckerSettings.paper().withDamping(damping).withRootInterval(1000)
                .withTraceRescaling(true);
        KroneckerSettings fresh = stale.withRootInterval(1);
        List<float[]> a = scaledGradientRun(stale);
        List<float[]> b = scaledGradientRun(fresh);
        for (int i = 0; i < a.size(); i++) {
            double err = relativeError(a.get(i), PreconditionerReference.wide(b.get(i)));
            assertTrue(err < 2e-5, "gradient " + i + ": stale rescaled vs fresh max relative error " + err);
        }
    }

    private static List<float[]> scaledGradientRun(KroneckerSettings settings) {
        int n = 12;
        Sequential net = Sequential.builder(5).dense(4).build(9);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, settings, Parallelism.sequential());
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = random(r, 1, n, 5);
        Tensor dy = random(r, 1.0 / n, n, 4);
        List<float[]> out = new ArrayList<>();
        for (int step = 1; step <= 4; step++) {
            net.zeroGrad();
            net.forward(x, Mode.TRAIN);
            Tensor scaled = dy.copy();
            Elementwise ops = KernelProvider.get().elementwise();
            ops.scaleInPlace(scaled.size(), (float) Math.pow(3, step - 1), scaled.data(), 0);
            net.backward(scaled);
            k.precondition(step);
            out.addAll(gradients(net));
        }
        return out;
    }

    /** Rank 0 keeps full roots; rank 2 truncates and refreshes by warm-started subspace iteration after step 1. */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void asynchronousRootsWithZeroDelayEqualSynchronousRootsBitForBit(int rank) {
        KroneckerSettings s = KroneckerSettings.defaults().withRootInterval(2).withAsyncDelay(0).withRootRank(rank);
        List<float[]> sync = run(net -> new KroneckerPreconditioner(net, s, Parallelism.sequential()), 6);
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.active(), 2)) {
            List<float[]> async = run(net -> new KroneckerPreconditioner(net, s, Parallelism.sequential(), pool), 6);
            for (int i = 0; i < sync.size(); i++) {
                assertArrayEquals(sync.get(i), async.get(i), "gradient " + i);
            }
        }
    }

    @Test
    void asynchronousRootsTakeEffectExactlyAtTheirDueStepWhateverTheTiming() {
        KroneckerSettings s = KroneckerSettings.defaults().withRootInterval(3).withAsyncDelay(2);
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.active(), 1)) {
            Sequential net = smallNet(2);
            KroneckerPreconditioner k = new KroneckerPreconditioner(net, s, Parallelism.sequential(), pool);
            long[] expected = {1, 1, 1, 1, 3, 3, 3, 6, 6, 6};
            List<float[]> first = new ArrayList<>();
            for (int step = 1; step <= expected.length; step++) {
                backward(net, 7, step);
                k.precondition(step);
                if (step % 2 == 0) {
                    k.awaitRoots();
                }
                first.addAll(gradients(net));
                assertEquals(expected[step - 1], k.factors().get(0).rootStep(), "roots in use at step " + step);
            }
            List<float[]> again = run(m -> new KroneckerPreconditioner(m, s, Parallelism.sequential(), pool),
                    expected.length);
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), again.get(i), "gradient " + i + " differs between two runs");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"synchronous", "asynchronous", "eigenbasis", "truncated"})
    void exportedStateResumesBitExactly(String mode) {
        KroneckerSettings s = KroneckerSettings.defaults().withRootInterval(3).withAsyncDelay(2);
        if (mode.equals("eigenbasis")) {
            s = s.withDamping(Damping.eigenbasis(1e-4).relative());
        } else if (mode.equals("truncated")) {
            s = s.withRootRank(2);
        }
        KroneckerSettings settings = s;
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.active(), 1)) {
            EigenPool used = mode.equals("asynchronous") ? pool : null;
            Sequential net = smallNet(4);
            KroneckerPreconditioner k = new KroneckerPreconditioner(net, settings, Parallelism.sequential(), used);
            OptimizerState saved = null;
            List<float[]> tail = new ArrayList<>();
            for (int step = 1; step <= 9; step++) {
                backward(net, 7, step);
                k.precondition(step);
                if (step == 4) {
                    saved = new OptimizerState("test");
                    k.exportState(saved, "p/");
                } else if (step > 4) {
                    tail.addAll(gradients(net));
                }
            }
            Sequential other = smallNet(4);
            KroneckerPreconditioner resumed = new KroneckerPreconditioner(other, settings,
                    Parallelism.sequential(), used);
            resumed.importState(saved, "p/");
            List<float[]> resumedTail = new ArrayList<>();
            for (int step = 5; step <= 9; step++) {
                backward(other, 7, step);
                resumed.precondition(step);
                resumedTail.addAll(gradients(other));
            }
            for (int i = 0; i < tail.size(); i++) {
                assertArrayEquals(tail.get(i), resumedTail.get(i), "gradient " + i + " after resuming");
            }
        }
    }

    @Test
    void importRefusesAStateWithMissingEntriesAndChangesNothing() {
        Sequential net = smallNet(4);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, KroneckerSettings.defaults(),
                Parallelism.sequential());
        backward(net, 7, 1);
        k.precondition(1);
        OptimizerState saved = new OptimizerState("test");
        k.exportState(saved, "");
        OptimizerState partial = new OptimizerState("test");
        saved.floats().forEach((name, v) -> {
            if (!name.endsWith("dense2/B")) {
                partial.putFloats(name, v);
            }
        });
        saved.doubles().forEach(partial::putDoubles);
        saved.longs().forEach(partial::putLong);
        float[] before = k.factors().get(0).factorA();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.importState(partial, ""));
        assertTrue(e.getMessage().contains("dense2/B"), e.getMessage());
        assertArrayEquals(before, k.factors().get(0).factorA());
    }

    @Test
    void nonFiniteStatisticsThrowNamingLayerAndStep() {
        Sequential net = smallNet(4);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, KroneckerSettings.defaults(),
                Parallelism.sequential());
        net.zeroGrad();
        Tensor x = random(new SplittableRandom(1), 1, 3, 6);
        x.data()[4] = Float.NaN;
        Tensor y = net.forward(x, Mode.TRAIN);
        net.backward(random(new SplittableRandom(2), 0.3, y.shape()));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> k.precondition(1));
        assertTrue(e.getMessage().contains("dense1") && e.getMessage().contains("step 1"), e.getMessage());
    }

    @Test
    void stepsMustIncreaseAndCaptureMustBeValid() {
        Sequential net = smallNet(4);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, KroneckerSettings.defaults(),
                Parallelism.sequential());
        assertThrows(IllegalStateException.class, () -> k.precondition(1), "no backward yet");
        backward(net, 7, 1);
        k.precondition(1);
        backward(net, 7, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.precondition(1));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
    }

    @Test
    void batchNormParametersGetTheDiagonalPreconditioner() {
        Sequential net = Sequential.builder(1, 4, 4).conv2d(2, 3, 1, 1).batchNorm().relu().flatten().dense(3)
                .build(5);
        KroneckerPreconditioner k = new KroneckerPreconditioner(net, KroneckerSettings.defaults(),
                Parallelism.sequential());
        List<Parameter> diagonal = k.diagonalParameters();
        assertEquals(2, diagonal.size());
        assertTrue(diagonal.stream().allMatch(p -> p.name().startsWith("bn")), diagonal.toString());

        backward(net, 5, 1);
        List<Parameter> copies = new ArrayList<>();
        for (Parameter p : diagonal) {
            copies.add(new Parameter(p.name(), p.value().copy(), p.grad().copy()));
        }
        new DiagonalPreconditioner(copies, 0.99, 1e-8).precondition(1);
        k.precondition(1);
        for (int i = 0; i < copies.size(); i++) {
            assertArrayEquals(copies.get(i).grad().data(), diagonal.get(i).grad().data(), diagonal.get(i).name());
        }
    }

    @Test
    void scheduleRefreshesAtStepOneEveryRootIntervalAndEarlyPowersOfTwo() {
        KroneckerSettings s = KroneckerSettings.defaults().withRootInterval(20).withFactorInterval(3);
        List<Long> plain = new ArrayList<>();
        List<Long> early = new ArrayList<>();
        List<Long> factors = new ArrayList<>();
        for (long step = 1; step <= 45; step++) {
            if (s.refreshesRootsAt(step)) {
                plain.add(step);
            }
            if (s.withEarlyRefresh(true).refreshesRootsAt(step)) {
                early.add(step);
            }
            if (s.updatesFactorsAt(step) && step <= 10) {
                factors.add(step);
            }
        }
        assertEquals(List.of(1L, 20L, 40L), plain);
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 20L, 40L), early);
        assertEquals(List.of(1L, 4L, 7L, 10L), factors);
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        KroneckerSettings d = KroneckerSettings.defaults();
        assertMessage("gamma", () -> d.withGamma(0));
        assertMessage("gamma", () -> d.withGamma(1.5));
        assertMessage("T_cov", () -> d.withFactorInterval(0));
        assertMessage("T_int", () -> d.withRootInterval(0));
        assertMessage("sample fraction", () -> d.withConvSampleFraction(0));
        assertMessage("delay", () -> d.withAsyncDelay(-1));
        assertMessage("shrinkage", () -> d.withShrinkage(-0.1));
        assertMessage("decay", () -> d.withDiagonal(1, 1e-8));
        assertMessage("epsilon", () -> d.withDiagonal(0.9, 0));
        assertMessage("epsilon", () -> Damping.factored(0));
        assertMessage("epsilon", () -> Damping.eigenbasis(Double.NaN));
        assertMessage("eigenbasis", () -> new FullBlockPreconditioner(smallNet(1), 0.05, 20,
                Damping.factored(1e-3), 64, Parallelism.sequential()));
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
