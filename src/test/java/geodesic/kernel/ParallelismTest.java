package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ParallelismTest {

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 4})
    void everyPartRunsExactlyOnce(int threads) {
        try (Parallelism team = Parallelism.of(threads)) {
            for (int parts : new int[]{1, 2, 3, 17, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                team.run(parts, i -> runs.incrementAndGet(i));
                for (int i = 0; i < parts; i++) {
                    assertEquals(1, runs.get(i), "part " + i + " of " + parts + " on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void workerTakesPartsAndTheirPlainWritesAreVisibleAfterRun() {
        try (Parallelism team = Parallelism.of(2)) {
            for (int round = 0; round < 50; round++) {
                CountDownLatch bothStarted = new CountDownLatch(2);
                Thread[] ranOn = new Thread[2];
                long[] written = new long[2];
                int r = round;
                team.run(2, i -> {
                    bothStarted.countDown();
                    // Blocking here forces the other part onto another thread: the caller cannot take both.
                    awaitOrFail(bothStarted);
                    ranOn[i] = Thread.currentThread();
                    written[i] = r * 1000L + i;
                });
                assertNotSame(ranOn[0], ranOn[1], "round " + r);
                assertEquals(r * 1000L, written[0], "round " + r);
                assertEquals(r * 1000L + 1, written[1], "round " + r);
            }
        }
    }

    @Test
    void manyQuickSuccessiveCallsLoseNoWakeUp() {
        try (Parallelism team = Parallelism.of(3)) {
            AtomicInteger total = new AtomicInteger();
            int calls = 20_000;
            for (int c = 0; c < calls; c++) {
                team.run(2 + c % 3, i -> total.incrementAndGet());
            }
            int expected = 0;
            for (int c = 0; c < calls; c++) {
                expected += 2 + c % 3;
            }
            assertEquals(expected, total.get());
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void allPartsRunAndFirstFailureIsRethrownWithLaterOnesSuppressed(int threads) {
        try (Parallelism team = Parallelism.of(threads)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () ->
                    team.run(10, i -> {
                        runs.incrementAndGet(i);
                        if (i % 3 == 0) {
                            throw new IllegalArgumentException("part " + i);
                        }
                    }));
            for (int i = 0; i < 10; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
            assertEquals(3, thrown.getSuppressed().length, "parts 0, 3, 6, 9 threw; one is rethrown");
            AtomicInteger after = new AtomicInteger();
            team.run(5, i -> after.incrementAndGet());
            assertEquals(5, after.get(), "the team is usable after a failure");
        }
    }

    @Test
    void errorsPropagateAsThemselvesAndCheckedExceptionsWrapped() {
        try (Parallelism team = Parallelism.of(2)) {
            assertThrows(AssertionError.class, () -> team.run(4, i -> {
                if (i == 2) {
                    throw new AssertionError("boom");
                }
            }));
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> team.run(4, i -> {
                if (i == 1) {
                    ParallelismTest.<RuntimeException>sneakyThrow(new IOException("disk"));
                }
            }));
            assertTrue(wrapped.getCause() instanceof IOException, "cause: " + wrapped.getCause());
        }
    }

    @Test
    void nestedCallsFromInsideAPartRunInlineWithoutDeadlock() {
        try (Parallelism team = Parallelism.of(2)) {
            AtomicIntegerArray inner = new AtomicIntegerArray(8 * 5);
            team.run(8, outer -> team.run(5, i -> inner.incrementAndGet(outer * 5 + i)));
            for (int i = 0; i < inner.length(); i++) {
                assertEquals(1, inner.get(i), "inner part " + i);
            }
        }
    }

    @Test
    void concurrentCallersOnOneTeamAreSerializedAndAllComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (Parallelism team = Parallelism.of(2)) {
            AtomicInteger total = new AtomicInteger();
            Future<?>[] futures = new Future<?>[3];
            for (int t = 0; t < futures.length; t++) {
                futures[t] = callers.submit(() -> {
                    for (int c = 0; c < 500; c++) {
                        team.run(4, i -> total.incrementAndGet());
                    }
                });
            }
            for (Future<?> f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertEquals(3 * 500 * 4, total.get());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void closeIsIdempotentAndLaterRunsThrow() {
        Parallelism team = Parallelism.of(2);
        team.run(3, i -> { });
        team.close();
        team.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(3, i -> { }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> team.run(1, i -> { }));
    }

    @Test
    void sequentialTeamIsSharedAndIgnoresClose() {
        Parallelism seq = Parallelism.sequential();
        assertSame(seq, Parallelism.of(1));
        assertEquals(1, seq.threads());
        seq.close();
        AtomicInteger n = new AtomicInteger();
        seq.run(3, i -> n.incrementAndGet());
        assertEquals(3, n.get());
    }

    @Test
    void nonPositivePartCountRunsNothingAndBadThreadCountIsRejected() {
        try (Parallelism team = Parallelism.of(2)) {
            team.run(0, i -> {
                throw new AssertionError("ran part " + i);
            });
            team.run(-3, i -> {
                throw new AssertionError("ran part " + i);
            });
            assertEquals(2, team.threads());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.of(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "the other part never started on another thread");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
