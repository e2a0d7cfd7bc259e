package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EigenPoolTest {

    @Test
    void concurrentDecompositionsEqualSequentialOnes() throws Exception {
        int[] sizes = {1, 17, 64, 33, 129, 8, 100};
        SymmetricEigensolver solver = SymmetricEigensolver.pureJava();
        try (EigenPool pool = EigenPool.of(solver, 2)) {
            List<CompletableFuture<SymmetricEigen>> futures = new ArrayList<>();
            for (int n : sizes) {
                futures.add(pool.submit(TestMatrices.randomSymmetric(n, n), n));
            }
            for (int i = 0; i < sizes.length; i++) {
                SymmetricEigen expected = solver.decompose(TestMatrices.randomSymmetric(sizes[i], sizes[i]), sizes[i]);
                SymmetricEigen actual = futures.get(i).get(30, TimeUnit.SECONDS);
                assertArrayEquals(expected.values(), actual.values(), "n=" + sizes[i]);
                assertArrayEquals(expected.vectors(), actual.vectors(), "n=" + sizes[i]);
            }
        }
    }

    @Test
    void activeSolverPoolProducesAccurateDecompositions() throws Exception {
        try (EigenPool pool = EigenPool.withDefaults()) {
            List<CompletableFuture<SymmetricEigen>> futures = new ArrayList<>();
            List<double[]> inputs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                double[] a = TestMatrices.randomGram(64, 30 + k, k);
                inputs.add(a);
                futures.add(pool.submit(a, 64));
            }
            for (int k = 0; k < 4; k++) {
                double residual = TestMatrices.maxRelativeResidual(inputs.get(k), futures.get(k).get(30,
                        TimeUnit.SECONDS));
                assertTrue(residual <= 1e-12, "residual " + residual);
            }
        }
    }

    @Test
    void decompositionsRunInParallel() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        SymmetricEigensolver rendezvous = new SymmetricEigensolver() {
            @Override
            public SymmetricEigen decompose(double[] a, int n) {
                bothRunning.countDown();
                try {
                    if (!bothRunning.await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the other decomposition never started");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return SymmetricEigensolver.pureJava().decompose(a, n);
            }

            @Override
            public SymmetricEigen decompose(float[] a, int n) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String name() {
                return "rendezvous";
            }
        };
        try (EigenPool pool = EigenPool.of(rendezvous, 2)) {
            CompletableFuture<SymmetricEigen> a = pool.submit(new double[] {1}, 1);
            CompletableFuture<SymmetricEigen> b = pool.submit(new double[] {2}, 1);
            assertEquals(1.0, a.get(30, TimeUnit.SECONDS).value(0));
            assertEquals(2.0, b.get(30, TimeUnit.SECONDS).value(0));
        }
    }

    @Test
    void submitTakesASnapshotOfTheMatrix() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SymmetricEigensolver gated = new SymmetricEigensolver() {
            @Override
            public SymmetricEigen decompose(double[] a, int n) {
                throw new UnsupportedOperationException();
            }

            @Override
            public SymmetricEigen decompose(float[] a, int n) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return SymmetricEigensolver.pureJava().decompose(a, n);
            }

            @Override
            public String name() {
                return "gated";
            }
        };
        try (EigenPool pool = EigenPool.of(gated, 1)) {
            float[] factor = {4, 0, 0, 9};
            CompletableFuture<SymmetricEigen> future = pool.submit(factor, 2);
            factor[0] = 100;
            release.countDown();
            assertArrayEquals(new double[] {4, 9}, future.get(30, TimeUnit.SECONDS).values());
        }
    }

    @Test
    void followUpRunsOnAPoolThread() throws Exception {
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.pureJava(), 1)) {
            CompletableFuture<String> thread = pool.submit(new float[] {1, 0, 0, 2}, 2,
                    e -> Thread.currentThread().getName());
            assertTrue(thread.get(30, TimeUnit.SECONDS).startsWith("geodesic-eigen-"), thread.get());
            CompletableFuture<float[]> root = pool.submit(new float[] {4, 0, 0, 16}, 2, e -> e.inverseRoot(0.5, 0));
            assertArrayEquals(new float[] {0.5f, 0, 0, 0.25f}, root.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void numericalFailuresCompleteTheFutureExceptionally() {
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.pureJava(), 1)) {
            CompletableFuture<SymmetricEigen> f = pool.submit(new double[] {Double.NaN}, 1);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertInstanceOf(ArithmeticException.class, e.getCause());
        }
    }

    @Test
    void shapeErrorsThrowFromSubmit() {
        try (EigenPool pool = EigenPool.of(SymmetricEigensolver.pureJava(), 1)) {
            assertThrows(IllegalArgumentException.class, () -> pool.submit(new double[5], 2));
            assertThrows(IllegalArgumentException.class, () -> pool.submit(new float[5], 2, e -> e));
        }
        assertThrows(IllegalArgumentException.class, () -> EigenPool.of(SymmetricEigensolver.pureJava(), 0));
    }

    @Test
    void closeIsIdempotentLetsQueuedWorkFinishAndRefusesNewWork() throws Exception {
        EigenPool pool = EigenPool.of(SymmetricEigensolver.pureJava(), 1);
        List<CompletableFuture<SymmetricEigen>> queued = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            queued.add(pool.submit(TestMatrices.randomSymmetric(50, k), 50));
        }
        pool.close();
        pool.close();
        for (CompletableFuture<SymmetricEigen> f : queued) {
            assertEquals(50, f.get(30, TimeUnit.SECONDS).n());
        }
        assertThrows(IllegalStateException.class, () -> pool.submit(new double[] {1}, 1));
    }
}
