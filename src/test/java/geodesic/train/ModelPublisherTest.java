package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Sequential;
import geodesic.optim.Sgd;
import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelPublisherTest {

    static Tensor probe(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(x, n, 1, 6, 6);
    }

    /** One plain SGD update on the live model, as a training step would do. */
    private static void nudge(Sequential m, float by) {
        for (var p : m.parameters()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] += by;
            }
        }
    }

    @Test
    void aHeldSnapshotKeepsItsWeightsWhileNewerOnesArePublished() {
        Sequential live = Fixtures.cnn(1);
        AtomicInteger made = new AtomicInteger();
        ModelPublisher publisher = new ModelPublisher(live, () -> {
            made.incrementAndGet();
            return Fixtures.cnn(0);
        }, 1);
        Tensor x = probe(3, 1);
        publisher.publish(0);
        float[] atZero = live.predict(x).data();

        try (ModelSnapshot held = publisher.acquire()) {
            nudge(live, 0.01f);
            publisher.publish(1);
            nudge(live, 0.01f);
            publisher.publish(2);

            assertEquals(0, held.step());
            assertArrayEquals(atZero, held.predict(x).data());
            assertArrayEquals(live.predict(x).data(), publisher.predict(x).data());
            try (ModelSnapshot latest = publisher.acquire()) {
                assertEquals(2, latest.step());
            }
        }
        assertEquals(3, made.get(), "held, previous and current snapshots");
        for (int step = 3; step < 20; step++) {
            nudge(live, 0.01f);
            publisher.publish(step);
        }
        assertEquals(3, made.get(), "closed snapshots are reused, not reallocated");
    }

    @Test
    void trainerPublishesAtTheStartEveryNStepsAndAtEpochEnds() {
        Sequential live = Fixtures.cnn(1);
        ModelPublisher publisher = new ModelPublisher(live, () -> Fixtures.cnn(0), 5);
        long[] seen = new long[2];
        TrainingListener spy = new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
                try (ModelSnapshot snap = publisher.acquire()) {
                    seen[0] = snap.step();
                }
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                try (ModelSnapshot snap = publisher.acquire()) {
                    seen[1] = snap.step();
                }
            }
        };

        Trainer.builder(live, Sgd.plain(live.parameters(), 0.05)).batchSize(16).listener(publisher).listener(spy)
                .build().fit(Fixtures.blobs(100, 1), null, null);

        assertEquals(5, seen[0], "at the 7th step the newest snapshot is step 5's");
        assertEquals(7, seen[1], "the epoch's end publishes its last step");
    }

    @Test
    void acquireBeforeAnyPublicationIsAnError() {
        ModelPublisher publisher = new ModelPublisher(Fixtures.cnn(1), () -> Fixtures.cnn(0), 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, publisher::acquire);
        assertTrue(e.getMessage().contains("no model snapshot published yet"), e.getMessage());
    }

    @Test
    void aFactoryOfAnotherArchitectureIsRefusedNamingTheParameters() {
        ModelPublisher publisher = new ModelPublisher(Fixtures.cnn(1), () -> Fixtures.mlp(0), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> publisher.publish(0));
        assertTrue(e.getMessage().contains("dense1.weight[36, 16]") && e.getMessage().contains("conv1.weight"),
                e.getMessage());
    }

    @Test
    void aClosedHandleCannotPredict() {
        ModelPublisher publisher = new ModelPublisher(Fixtures.cnn(1), () -> Fixtures.cnn(0), 1);
        publisher.publish(0);
        ModelSnapshot s = publisher.acquire();
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.predict(probe(1, 1)));
    }
}
