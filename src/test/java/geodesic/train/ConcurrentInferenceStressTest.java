package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Sequential;
import geodesic.optim.Sgd;
import geodesic.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Eight threads predict through a {@link ModelPublisher} while the training thread trains the model: every
 * prediction must equal, bit for bit, the live model's prediction at the step its snapshot names (so no snapshot
 * mixes two steps or changes while held), steps seen by a reader never go backwards, and snapshots are recycled.
 */
class ConcurrentInferenceStressTest {
    private static final int READERS = 8;
    /** 6 epochs of 25 steps: about a second of training on a quiet machine. */
    private static final int EPOCHS = 6;

    /** What one reader saw. */
    private record Seen(int predictions, int distinctSteps, String problem) {
    }

    @Test
    void predictionsFromEightThreadsUseConsistentSnapshotsWhileTrainingRuns() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Sequential live = Fixtures.cnn(1);
            AtomicInteger made = new AtomicInteger();
            ModelPublisher publisher = new ModelPublisher(live, () -> {
                made.incrementAndGet();
                return Fixtures.cnn(0);
            }, 1);
            Tensor x = ModelPublisherTest.probe(4, 9);
            Map<Long, float[]> expected = new ConcurrentHashMap<>();
            // Registered before the publisher, so a step's expected output exists before its snapshot is visible.
            TrainingListener reference = new TrainingListener() {
                @Override
                public void onStart(TrainingPlan plan) {
                    expected.put(0L, live.predict(x).data());
                }

                @Override
                public void onStep(StepMetrics s) {
                    expected.put(s.globalStep(), live.predict(x).data());
                }
            };
            Trainer trainer = Trainer.builder(live, Sgd.withMomentum(live.parameters(), 0.05, 0.9))
                    .epochs(EPOCHS).batchSize(16).seed(3).listener(reference).listener(publisher).build();

            List<Future<Seen>> readers = new ArrayList<>();
            TrainingResult result;
            try (ExecutorService pool = Executors.newFixedThreadPool(READERS)) {
                publisher.publish(0);
                expected.put(0L, live.predict(x).data());
                AtomicBoolean done = new AtomicBoolean();
                CountDownLatch started = new CountDownLatch(READERS);
                for (int r = 0; r < READERS; r++) {
                    boolean holdsLong = r % 2 == 0;
                    readers.add(pool.submit(() -> {
                        started.countDown();
                        return read(publisher, x, expected, holdsLong, done);
                    }));
                }
                started.await();
                result = trainer.fit(Fixtures.blobs(400, 2), null, null);
                done.set(true);
                int predictions = 0;
                int mostDistinct = 0;
                for (Future<Seen> f : readers) {
                    Seen s = f.get();
                    assertEquals(null, s.problem());
                    assertTrue(s.predictions() > 0, "a reader made no prediction");
                    predictions += s.predictions();
                    mostDistinct = Math.max(mostDistinct, s.distinctSteps());
                }
                assertTrue(predictions >= READERS * 10, "only " + predictions + " predictions were checked");
                // How many steps a reader sees depends on the scheduler of a 2-core machine; that some reader saw
                // the weights change under it is what shows that training and inference overlapped.
                assertTrue(mostDistinct >= 2, "no reader saw more than " + mostDistinct + " snapshot, so training "
                        + "never overlapped inference");
            }
            assertEquals(EPOCHS, result.epochs().size());
            assertTrue(made.get() <= READERS + 2, made.get() + " snapshot models for " + READERS + " readers");
        });
    }

    private static Seen read(ModelPublisher publisher, Tensor x, Map<Long, float[]> expected, boolean holdsLong,
                             AtomicBoolean done) {
        int predictions = 0;
        long lastStep = -1;
        int distinct = 0;
        while (!done.get()) {
            try (ModelSnapshot s = publisher.acquire()) {
                if (s.step() < lastStep) {
                    return new Seen(predictions, distinct, "step went back from " + lastStep + " to " + s.step());
                }
                if (s.step() != lastStep) {
                    distinct++;
                    lastStep = s.step();
                }
                float[] want = expected.get(s.step());
                for (int again = 0; again < (holdsLong ? 3 : 1); again++) {
                    float[] got = s.predict(x).data();
                    predictions++;
                    for (int i = 0; i < got.length; i++) {
                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                            return new Seen(predictions, distinct, "prediction " + i + " on the snapshot of step "
                                    + s.step() + " is " + got[i] + ", the live model gave " + want[i]
                                    + (again > 0 ? " (changed while held)" : ""));
                        }
                    }
                }
            }
        }
        return new Seen(predictions, distinct, null);
    }
}
