package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchLoaderTest {
    private ExecutorService pool;

    @BeforeEach
    void startPool() {
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "test executor did not stop");
    }

    /** The example indices of one epoch, batch by batch, read back from the indexed pixels. */
    private static List<int[]> epoch(BatchLoader loader, int epoch) {
        loader.startEpoch(epoch);
        List<int[]> batches = new ArrayList<>();
        while (loader.hasNext()) {
            batches.add(contents(loader.next()));
        }
        return batches;
    }

    private static int[] contents(Batch batch) {
        int e = batch.images().size() / batch.size();
        float[] pixels = batch.images().data();
        int[] examples = new int[batch.size()];
        for (int i = 0; i < examples.length; i++) {
            examples[i] = (int) pixels[i * e];
            for (int k = 1; k < e; k++) {
                assertEquals(examples[i], pixels[i * e + k], "row " + i + " is one whole example");
            }
            assertEquals(examples[i] % 10, batch.labels()[i], "label travels with example " + examples[i]);
        }
        return examples;
    }

    private static String render(List<int[]> batches) {
        return batches.stream().map(Arrays::toString).toList().toString();
    }

    @ParameterizedTest(name = "n={0}, batch={1}, dropLast={2}")
    @CsvSource({"1, 1, false", "7, 8, false", "8, 8, true", "9, 8, false", "9, 8, true", "31, 4, false",
            "33, 8, true", "129, 16, false", "257, 32, true"})
    void epochVisitsEachExampleOnceWithFullBatchesThenTheKeptRemainder(int n, int b, boolean dropLast) {
        Dataset data = TestDatasets.indexed(n, 2, 3, 3, 10);
        try (BatchLoader loader = new BatchLoader(data, new BatchOptions(b, true, dropLast, 11), null)) {
            List<int[]> batches = epoch(loader, 0);

            int expectedBatches = n / b + (!dropLast && n % b != 0 ? 1 : 0);
            assertEquals(expectedBatches, batches.size());
            assertEquals(expectedBatches, loader.batchesPerEpoch());
            for (int i = 0; i < batches.size(); i++) {
                int expectedSize = i < n / b ? b : n % b;
                assertEquals(expectedSize, batches.get(i).length, "size of batch " + i);
            }
            int[] seen = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            int covered = dropLast ? n / b * b : n;
            assertEquals(covered, seen.length);
            assertEquals(covered, Arrays.stream(seen).distinct().count(), "an example repeated: " + render(batches));
        }
    }

    @Test
    void sameSeedGivesSameBatchesAndEpochsGiveDifferentOrders() {
        Dataset data = TestDatasets.indexed(100, 1, 2, 2, 10);
        try (BatchLoader a = new BatchLoader(data, BatchOptions.shuffled(16, 5), null);
                BatchLoader b = new BatchLoader(data, BatchOptions.shuffled(16, 5), null);
                BatchLoader c = new BatchLoader(data, BatchOptions.shuffled(16, 6), null)) {
            String a0 = render(epoch(a, 0));
            String a1 = render(epoch(a, 1));

            assertEquals(a0, render(epoch(b, 0)));
            assertEquals(a1, render(epoch(b, 1)));
            assertFalse(a0.equals(a1), "epochs 0 and 1 should differ");
            assertFalse(a0.equals(render(epoch(c, 0))), "seeds 5 and 6 should differ");
            assertEquals(a1, render(epoch(a, 1)), "replaying an epoch repeats it");
        }
    }

    @Test
    void unshuffledLoaderFollowsDatasetOrder() {
        try (BatchLoader loader = new BatchLoader(TestDatasets.indexed(10, 1, 1, 1, 10), BatchOptions.sequential(4),
                null)) {
            assertEquals("[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]", render(epoch(loader, 3)));
        }
    }

    @ParameterizedTest(name = "executor: {0}")
    @ValueSource(strings = {"pool", "caller", "rejecting"})
    void prefetchingGivesExactlyTheSynchronousBatches(String kind) {
        Executor executor = switch (kind) {
            case "pool" -> pool;
            case "caller" -> Runnable::run;
            default -> task -> {
                throw new RejectedExecutionException("full");
            };
        };
        Dataset data = TestDatasets.indexed(257, 3, 4, 4, 10);
        try (BatchLoader sync = new BatchLoader(data, BatchOptions.shuffled(32, 9), null);
                BatchLoader pre = new BatchLoader(data, BatchOptions.shuffled(32, 9), executor)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                assertEquals(render(epoch(sync, epoch)), render(epoch(pre, epoch)), "epoch " + epoch);
            }
        }
    }

    @Test
    void seekingToASavedPositionResumesWithTheSameBatches() {
        Dataset data = TestDatasets.indexed(100, 1, 1, 1, 10);
        List<int[]> expected = new ArrayList<>();
        BatchPosition saved;
        try (BatchLoader first = new BatchLoader(data, BatchOptions.shuffled(8, 21), pool)) {
            first.startEpoch(4);
            first.next();
            first.next();
            first.next();
            saved = first.position();
            while (first.hasNext()) {
                expected.add(contents(first.next()));
            }
        }
        assertEquals(new BatchPosition(4, 3), saved);

        try (BatchLoader resumed = new BatchLoader(data, BatchOptions.shuffled(8, 21), pool)) {
            resumed.seek(saved);
            List<int[]> actual = new ArrayList<>();
            while (resumed.hasNext()) {
                Batch batch = resumed.next();
                assertEquals(4, batch.epoch());
                actual.add(contents(batch));
            }
            assertEquals(render(expected), render(actual));
            assertEquals(new BatchPosition(4, 13), resumed.position());
        }
    }

    @Test
    void buffersAreReusedSingleWithoutExecutorAndDoubleWithOne() {
        Dataset data = TestDatasets.indexed(64, 1, 2, 2, 10);
        for (Executor executor : new Executor[] {null, pool}) {
            try (BatchLoader loader = new BatchLoader(data, BatchOptions.shuffled(4, 1), executor)) {
                Set<Batch> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
                for (int epoch = 0; epoch < 3; epoch++) {
                    loader.startEpoch(epoch);
                    while (loader.hasNext()) {
                        distinct.add(loader.next());
                    }
                }
                assertEquals(executor == null ? 1 : 2, distinct.size(), "executor " + executor);
            }
        }
    }

    @Test
    void steadyStateBatchesAllocateNothing() {
        Dataset data = TestDatasets.indexed(2048, 1, 28, 28, 10);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BatchLoader loader = new BatchLoader(data, BatchOptions.shuffled(64, 3), null)) {
            loader.startEpoch(0);
            loader.next();
            long before = threads.getCurrentThreadAllocatedBytes();
            int batches = 0;
            while (loader.hasNext()) {
                loader.next();
                batches++;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // One 64x784 batch is 200 KB; allocating per batch would show as megabytes.
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes over " + batches + " batches");
        }
    }

    @Test
    void partialLastBatchHasItsOwnExactShape() {
        try (BatchLoader loader = new BatchLoader(TestDatasets.indexed(10, 3, 2, 2, 10), BatchOptions.sequential(4),
                pool)) {
            loader.startEpoch(0);
            loader.next();
            loader.next();
            Batch last = loader.next();

            assertArrayEquals(new int[] {2, 3, 2, 2}, last.images().shape());
            assertEquals(2, last.labels().length);
            assertEquals(2, last.index());
        }
    }

    @Test
    void misuseIsReportedClearly() {
        Dataset data = TestDatasets.indexed(10, 1, 1, 1, 10);
        BatchLoader loader = new BatchLoader(data, BatchOptions.sequential(5), null);
        loader.startEpoch(0);
        loader.next();
        loader.next();

        NoSuchElementException end = assertThrows(NoSuchElementException.class, loader::next);
        assertTrue(end.getMessage().contains("call startEpoch(1)"), end.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loader.seek(new BatchPosition(0, 3)));
        assertThrows(IllegalArgumentException.class, () -> loader.startEpoch(-1));
        loader.close();
        loader.close();
        assertThrows(IllegalStateException.class, loader::next);
        assertThrows(IllegalStateException.class, () -> loader.startEpoch(1));
        assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(data, new BatchOptions(11, true, true, 0), null));
        assertThrows(IllegalArgumentException.class, () -> new BatchOptions(0, true, false, 0));
    }

    @Test
    void interruptWhileWaitingForPrefetchCancelsAndKeepsTheBatchPending() throws Exception {
        Dataset data = TestDatasets.indexed(40, 1, 1, 1, 10);
        List<Runnable> held = new ArrayList<>();
        Executor manual = held::add;
        try (BatchLoader loader = new BatchLoader(data, BatchOptions.sequential(8), manual)) {
            loader.startEpoch(0);
            assertEquals(1, held.size(), "startEpoch hands the first batch to the executor");

            Thread.currentThread().interrupt();
            assertThrows(CancellationException.class, loader::next);
            assertTrue(Thread.interrupted(), "interrupt flag is kept");

            held.remove(0).run();
            assertArrayEquals(IntStream.range(0, 8).toArray(), contents(loader.next()));
        }
    }
}
