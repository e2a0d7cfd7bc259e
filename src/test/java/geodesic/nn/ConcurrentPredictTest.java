package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many threads may call predict on a trained model at once and get exactly the sequential results. */
class ConcurrentPredictTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 6;

    @ParameterizedTest(name = "kernel threads = {0}")
    @ValueSource(ints = {1, 2})
    void predictFromEightThreadsEqualsSequentialPredict(int kernelThreads) throws Exception {
        try (Parallelism team = Parallelism.of(kernelThreads);
             ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            Sequential model = Sequential.builder(2, 12, 12)
                    .conv2d(6, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                    .conv2d(8, 3, 2, 1).relu()
                    .flatten().dropout(0.3f)
                    .dense(16).batchNorm().relu()
                    .dense(4)
                    .parallelism(team)
                    .build(1);
            SplittableRandom rng = new SplittableRandom(2);
            CrossEntropyLoss loss = new CrossEntropyLoss();
            for (int step = 0; step < 3; step++) {
                model.zeroGrad();
                loss.forward(model.forward(GradientCheck.random(rng, 6, 2, 12, 12), Mode.TRAIN),
                        GradientCheck.labels(rng, 6, 4));
                model.backward(loss.gradient());
                for (Parameter p : model.parameters()) {
                    float[] v = p.value().data();
                    float[] g = p.grad().data();
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= 0.1f * g[i];
                    }
                }
            }

            int inputs = THREADS * CALLS_PER_THREAD;
            List<Tensor> batches = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                Tensor x = GradientCheck.random(rng, 1 + i % 5, 2, 12, 12);
                batches.add(x);
                expected.add(model.predict(x).data());
            }

            CountDownLatch start = new CountDownLatch(1);
            List<Callable<List<float[]>>> tasks = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                tasks.add(() -> {
                    start.await();
                    List<float[]> out = new ArrayList<>();
                    for (int c = 0; c < CALLS_PER_THREAD; c++) {
                        out.add(model.predict(batches.get((first + c * THREADS) % inputs)).data());
                    }
                    return out;
                });
            }
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (Callable<List<float[]>> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (int t = 0; t < THREADS; t++) {
                List<float[]> got = futures.get(t).get(30, TimeUnit.SECONDS);
                for (int c = 0; c < CALLS_PER_THREAD; c++) {
                    int index = (t + c * THREADS) % inputs;
                    assertArrayEquals(expected.get(index), got.get(c), "thread " + t + ", input " + index);
                }
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "predict threads did not finish");
        }
    }
}
