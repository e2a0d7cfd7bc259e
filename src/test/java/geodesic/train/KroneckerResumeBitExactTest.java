package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Model;
import geodesic.nn.Sequential;
import geodesic.optim.KroneckerPreconditioner;
import geodesic.optim.KroneckerSettings;
import geodesic.optim.OptimizerState;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.TsoAlra;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ResumeBitExactTest}'s property for the Kronecker preconditioner, alone and as TSO-ALRA's first stage across
 * its switch, with synchronous roots and with asynchronous roots on an {@link EigenPool}. The schedule is shrunk so
 * that everything happens inside the 21 steps: factors every 2 steps from half of each batch's images (conv layer),
 * roots at step 1 and every 2 steps, installed 3 steps after submission (so after step 4 two refreshes are pending
 * per layer), and the switch to SGD after epoch 1 (step 7), with a refresh still pending then. TSO-ALRA knows the
 * epoch length, so its noise-isotropy sketch also samples the end of epoch 1, across the cuts.
 */
class KroneckerResumeBitExactTest {
    private static final KroneckerSettings SETTINGS = KroneckerSettings.defaults().withFactorInterval(2)
            .withRootInterval(2).withAsyncDelay(3).withConvSampleFraction(0.5);
    private static EigenPool pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = EigenPool.of(SymmetricEigensolver.active(), 2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static Fixtures.OptimizerFactory kronecker(boolean async) {
        return new Fixtures.OptimizerFactory("kronecker, " + (async ? "asynchronous" : "synchronous") + " roots",
                m -> PreconditionedSgd.kronecker(m, 0.005, SETTINGS, Parallelism.sequential(), async ? pool : null));
    }

    private static Fixtures.OptimizerFactory tsoAlra(boolean async) {
        Function<Model, TsoAlra> make = m -> TsoAlra.builder(m.parameters(),
                        new KroneckerPreconditioner(m, SETTINGS, Parallelism.sequential(), async ? pool : null))
                .learningRate(0.005).momentum(0.9).switchAfterEpoch(1).matchLearningRate(true)
                .stepsPerEpoch(7).build();
        return new Fixtures.OptimizerFactory("tso-alra kronecker, " + (async ? "asynchronous" : "synchronous")
                + " roots, switch after epoch 1", make::apply);
    }

    static Stream<Arguments> cases() {
        List<ResumeBitExactTest.Cut> cuts = List.of(
                new ResumeBitExactTest.Cut("after step 3 (one refresh pending)", 3, 0, 4),
                new ResumeBitExactTest.Cut("after step 4 (two refreshes pending)", 4, 0, 5),
                new ResumeBitExactTest.Cut("at the end of epoch 1 (the switch)", 0, 1, 8),
                new ResumeBitExactTest.Cut("after step 10 (stage 2, after the decay)", 10, 0, 11));
        return Stream.of(kronecker(false), kronecker(true), tsoAlra(false), tsoAlra(true))
                .flatMap(o -> cuts.stream().map(c -> Arguments.of(o, c)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void resumedKroneckerTrainingIsBitIdenticalToUninterruptedTraining(Fixtures.OptimizerFactory of,
                                                                         ResumeBitExactTest.Cut cut)
            throws IOException {
        ResumeBitExactTest.assertResumeIsBitExact(dir, Fixtures::cnn, of, cut);
    }

    @Test
    void checkpointAfterStepFourHoldsTwoPendingRefreshesPerLayerWithTheirDueSteps() {
        Sequential m = Fixtures.cnn(1);
        PreconditionedSgd o = (PreconditionedSgd) kronecker(true).on(m);
        OptimizerState state;
        try {
            Trainer.builder(m, o).epochs(1).batchSize(16).seed(23).listener(new TrainingListener() {
                @Override
                public void onStep(StepMetrics s) {
                    if (s.globalStep() == 4) {
                        throw new StopAtFour(o.exportState());
                    }
                }
            }).build().fit(Fixtures.blobs(100, 11), null, null);
            throw new AssertionError("training was not stopped at step 4");
        } catch (StopAtFour stop) {
            state = stop.state;
        }
        List<String> layers = state.longs().keySet().stream().filter(k -> k.endsWith("/pending")).sorted().toList();
        assertEquals(3, layers.size(), "layers with a pending queue: " + layers);
        for (String queue : layers) {
            assertEquals(2L, state.longValue(queue), queue);
            assertEquals(5L, state.longValue(queue + "/0/due"), queue + " first due step");
            assertEquals(7L, state.longValue(queue + "/1/due"), queue + " second due step");
        }
        assertEquals(2L, state.longValue(layers.getFirst().replace("/pending", "/factorUpdates")),
                "factors updated at steps 1 and 3");
    }

    /** Carries the state exported at step 4 out of the training loop. */
    private static final class StopAtFour extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient OptimizerState state;

        StopAtFour(OptimizerState state) {
            super(null, null, false, false);
            this.state = state;
        }
    }
}
