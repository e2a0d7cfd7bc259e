package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Sequential;
import geodesic.optim.KroneckerPreconditioner;
import geodesic.optim.KroneckerSettings;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.TsoAlra;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decomposition that every solver refuses does not stop training: the layer keeps its previous roots (or runs
 * unpreconditioned before its first), the failure is counted in {@link KroneckerPreconditioner#rootFailures()}, and
 * a checkpoint holding a failed pending refresh resumes bit-exactly. The failing solver refuses the 37x37 input
 * factor of the {@link Fixtures#cnn} layer fc1 (36 inputs + bias); a one-thread pool runs the decompositions in
 * submission order, so "all but the first" is deterministic.
 */
class EigensolverFailureTest {
    /** Roots at step 1 (synchronous), then submitted every 2 steps and installed 3 steps later. */
    private static final KroneckerSettings SETTINGS = KroneckerSettings.defaults().withFactorInterval(1)
            .withRootInterval(2).withAsyncDelay(3);
    private static final int FC1_INPUT_FACTOR = 37;

    @TempDir
    Path dir;

    /** The active solver, except on {@code n == FC1_INPUT_FACTOR} after the first {@code spared} such calls. */
    private static SymmetricEigensolver failingOnFc1After(int spared) {
        SymmetricEigensolver real = SymmetricEigensolver.active();
        AtomicInteger fc1Calls = new AtomicInteger();
        return new SymmetricEigensolver() {
            @Override
            public SymmetricEigen decompose(double[] a, int n) {
                check(n);
                return real.decompose(a, n);
            }

            @Override
            public SymmetricEigen decompose(float[] a, int n) {
                check(n);
                return real.decompose(a, n);
            }

            private void check(int n) {
                if (n == FC1_INPUT_FACTOR && fc1Calls.incrementAndGet() > spared) {
                    throw new ArithmeticException("every eigensolver failed on a 37x37 matrix (test)");
                }
            }

            @Override
            public String name() {
                return "failing-on-fc1";
            }
        };
    }

    private static TrainingResult train(Sequential m, PreconditionedSgd o) {
        return Trainer.builder(m, o).epochs(2).batchSize(16).seed(23).build()
                .fit(Fixtures.blobs(100, 11), null, null);
    }

    @Test
    void failedRefreshesKeepTheLayersLastRootsAndAreCounted() {
        try (EigenPool pool = EigenPool.of(failingOnFc1After(1), 1)) {
            Sequential m = Fixtures.cnn(1);
            PreconditionedSgd o = PreconditionedSgd.kronecker(m, 0.05, SETTINGS, Parallelism.sequential(), pool);
            TrainingResult result = train(m, o);

            KroneckerPreconditioner k = (KroneckerPreconditioner) o.preconditioner();
            // 14 steps: refreshes submitted at 2, 4, ..., 14 and due at 5, 7, ..., 17, so 5 were due and all failed.
            assertEquals(5, k.rootFailures(), "failed fc1 refreshes");
            assertEquals(1, k.factors().get(1).rootStep(), "fc1 keeps the roots of step 1");
            assertEquals(10, k.factors().get(0).rootStep(), "conv1 installed every refresh due by step 14");
            assertTrue(Double.isFinite(result.last().trainLoss()), "loss " + result.last().trainLoss());
        }
    }

    @Test
    void layerWhoseFirstRootsFailTrainsUnpreconditionedUntilARefreshSucceeds() {
        try (EigenPool pool = EigenPool.of(failingOnFc1After(0), 1)) {
            Sequential m = Fixtures.cnn(1);
            PreconditionedSgd o = PreconditionedSgd.kronecker(m, 0.05, SETTINGS, Parallelism.sequential(), pool);
            TrainingResult result = train(m, o);

            KroneckerPreconditioner k = (KroneckerPreconditioner) o.preconditioner();
            assertEquals(6, k.rootFailures(), "the synchronous first refresh and the 5 due later");
            assertEquals(0, k.factors().get(1).rootStep(), "fc1 never had roots");
            assertTrue(Double.isFinite(result.last().trainLoss()), "loss " + result.last().trainLoss());
        }
    }

    @Test
    void checkpointWithFailedPendingRefreshesResumesBitExactly() throws IOException {
        try (EigenPool pool = EigenPool.of(failingOnFc1After(0), 1)) {
            Fixtures.OptimizerFactory tso = new Fixtures.OptimizerFactory("tso-alra kronecker, fc1 roots failing",
                    m -> TsoAlra.builder(m.parameters(),
                                    new KroneckerPreconditioner(m, SETTINGS, Parallelism.sequential(), pool))
                            .learningRate(0.005).momentum(0.9).switchAfterEpoch(2).build());
            // After step 4 the refreshes of steps 2 and 4 are pending, both failed for fc1.
            ResumeBitExactTest.assertResumeIsBitExact(dir, Fixtures::cnn, tso,
                    new ResumeBitExactTest.Cut("after step 4", 4, 0, 5));
        }
    }
}
