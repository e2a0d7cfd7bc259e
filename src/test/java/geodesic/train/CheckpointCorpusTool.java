package geodesic.train;

import geodesic.data.Dataset;
import geodesic.nn.Sequential;
import geodesic.optim.Adam;
import geodesic.optim.Optimizer;
import geodesic.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the valid seed files of the checkpoint fuzz corpus:
 * {@code java ... geodesic.train.CheckpointCorpusTool src/test/resources/fuzz/checkpoint}. Deterministic apart from
 * the provenance (Java version, kernels); rerun only to change the seeds.
 */
final class CheckpointCorpusTool {
    private CheckpointCorpusTool() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Sequential cnn = Fixtures.cnn(1);
        write(dir.resolve("seed-cnn-momentum.ckpt"), cnn, Sgd.withMomentum(cnn.parameters(), 0.05, 0.9),
                Fixtures.blobs(12, 1));
        Sequential tiny = Sequential.builder(1, 2, 2).flatten().dense(3).build(1);
        write(dir.resolve("seed-tiny-adam.ckpt"), tiny, Adam.of(tiny.parameters()), tinyData());
    }

    private static void write(Path file, Sequential m, Optimizer o, Dataset data) throws IOException {
        CheckpointDirectory scratch = CheckpointDirectory.open(Files.createTempDirectory("corpus"), 1);
        Trainer.builder(m, o).batchSize(8).seed(1).checkpoints(CheckpointListener.every(scratch, 0, 1, "corpus seed"))
                .build().fit(data, null, null);
        Files.copy(scratch.latest().orElseThrow().file(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Dataset tinyData() {
        float[] pixels = new float[12 * 4];
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) {
            labels[i] = i % 3;
            pixels[i * 4 + i % 3] = 1;
        }
        return Dataset.of("tiny", "synthetic", 3, 1, 2, 2, pixels, labels);
    }
}
