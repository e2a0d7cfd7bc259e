package geodesic.train;

import geodesic.data.Dataset;
import geodesic.nn.Sequential;
import geodesic.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link CheckpointKillTest}: resumes from the newest checkpoint in the directory given as the
 * first argument (if any) and trains, writing a checkpoint of about 2 MB after every step, until it is killed or
 * the number of seconds given as the second argument has passed.
 */
final class CheckpointKillChild {
    private CheckpointKillChild() {
    }

    /** Thrown to end a child that nobody killed. */
    private static final class Deadline extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        CheckpointDirectory checkpoints = CheckpointDirectory.open(dir, 2);
        Sequential model = model(1);
        Trainer.Builder b = Trainer.builder(model, Sgd.withMomentum(model.parameters(), 0.01, 0.9))
                .epochs(1_000_000).batchSize(16).seed(7)
                .checkpoints(CheckpointListener.every(checkpoints, 1, 0, "kill test child"))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics step) {
                        if (System.nanoTime() > deadline) {
                            throw new Deadline();
                        }
                    }
                });
        checkpoints.latest().ifPresent(l -> b.resume(l.checkpoint()));
        try {
            b.build().fit(data(), null, null);
        } catch (Deadline e) {
            // Not killed in time: the parent reports a round that made no progress.
        }
    }

    /** 16x16 inputs to 1024 hidden units: 266k parameters, with momentum about 2 MB per checkpoint. */
    static Sequential model(long seed) {
        return Sequential.builder(1, 16, 16).flatten().dense(1024).relu().dense(3).build(seed);
    }

    static Dataset data() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 64;
        float[] pixels = new float[n * 256];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(3);
            for (int j = 0; j < 256; j++) {
                pixels[i * 256 + j] = (float) ((j % 3 == labels[i] ? 1 : 0) + 0.3 * r.nextGaussian());
            }
        }
        return Dataset.of("kill-test", "synthetic", 3, 1, 16, 16, pixels, labels);
    }
}
