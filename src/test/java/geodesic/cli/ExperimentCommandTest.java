package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A small grid: the smoke path cuts it to one seed, two epochs and a few hundred embedded images. */
    private static Path config(Path dir, String optimizers) throws IOException {
        Path f = dir.resolve("grid.json");
        Files.writeString(f, """
                {
                  "name": "cli-grid",
                  "output": "%s",
                  "data": {"source": "auto", "trainSubset": 3000, "testSubset": 2000},
                  "epochs": 40, "epochScale": 0.5, "learningRateDecay": {"epochs": [20, 30], "factor": 0.1},
                  "threads": 1,
                  "seeds": [4, 5, 6],
                  "models": ["mlp"],
                  "optimizers": [%s]
                }
                """.formatted(dir.resolve("full").toString().replace("\\", "\\\\"), optimizers));
        return f;
    }

    private static boolean isPng(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return Arrays.equals(PNG_SIGNATURE, in.readNBytes(8));
        }
    }

    @Test
    void smokeRunWritesRunCsvsAggregatesPlotsAndTheTableThenResumes(@TempDir Path dir) throws IOException {
        Path cfg = config(dir, "{\"name\": \"sgd\", \"lr\": 0.05}, {\"name\": \"momentum\", \"lr\": [0.01, 0.02]}");
        Path smoke = dir.resolve("smoke");
        assertEquals(0, run("experiment", cfg.toString(), "--smoke", "--out", smoke.toString()), err());
        String o = out();
        assertTrue(o.contains("experiment name=cli-grid (smoke) runs=3 "), o);
        assertTrue(o.contains("protocol 2 epochs (40 x 0.05)"), o);
        assertTrue(o.contains("train=230 validation=26 test=256"), o);
        assertTrue(o.contains("run 1/3 start id=mlp_sgd_seed4 model=mlp seed=4 epochs=2 optimizer=sgd("), o);
        assertTrue(o.contains("run 3/3 epoch=2/2 "), o);
        assertTrue(o.contains("result model=mlp group=mlp_momentum-lr-0.02 runs=1/1 best_test_loss="), o);

        try (Stream<Path> runs = Files.list(smoke.resolve("runs"))) {
            assertEquals(6, runs.count(), "a CSV and a marker per run");
        }
        for (String group : List.of("mlp_sgd", "mlp_momentum-lr-0.01", "mlp_momentum-lr-0.02")) {
            List<String> lines = Files.readAllLines(smoke.resolve("aggregate").resolve(group + ".csv"));
            assertEquals(3, lines.size(), group);
            assertTrue(lines.get(0).startsWith("epoch,runs,train_loss_mean,train_loss_std,"), lines.get(0));
        }
        for (String plot : List.of("mlp-test-loss.png", "mlp-test-accuracy.png", "mlp-train-loss.png")) {
            assertTrue(isPng(smoke.resolve("plots").resolve(plot)), plot);
        }
        String md = Files.readString(smoke.resolve("summary.md"));
        assertTrue(md.contains("| mlp | momentum lr=0.02 | lr=0.02 | 1 | "), md);
        assertTrue(md.contains("![mlp test loss](plots/mlp-test-loss.png)"), md);
        assertTrue(Files.exists(smoke.resolve("summary.csv")));
        byte[] csvBefore = Files.readAllBytes(smoke.resolve("runs").resolve("mlp_sgd_seed4.csv"));

        out.reset();
        assertEquals(0, run("experiment", cfg.toString(), "--smoke", "--out", smoke.toString()), err());
        assertTrue(out().contains("grid runs=3 finished_earlier=3 to_train=0"), out());
        assertTrue(out().contains("run 2/3 skip id=mlp_momentum-lr-0.01_seed4"), out());
        assertArrayEquals(csvBefore, Files.readAllBytes(smoke.resolve("runs").resolve("mlp_sgd_seed4.csv")));
    }

    @Test
    void malformedConfigurationIsOneLineNamingFileAndFieldWithExitOne(@TempDir Path dir) throws IOException {
        Path cfg = config(dir, "{\"name\": \"sgd\", \"lr\": 0.05}");
        Files.writeString(cfg, Files.readString(cfg).replace("\"epochs\": 40", "\"epochs\": -40"));
        assertEquals(1, run("experiment", cfg.toString(), "--smoke"));
        assertEquals(1, err().strip().lines().count(), err());
        assertTrue(err().startsWith("geodesic: error: " + cfg + ": epochs (line 5): must be in [1, 1000000], got -40"),
                err());
        assertTrue(Files.notExists(dir.resolve("full-smoke")));
    }

    @Test
    void unknownOptimizerIsOneLineWithExitOne(@TempDir Path dir) throws IOException {
        Path cfg = config(dir, "{\"name\": \"sgd\", \"lr\": 0.05}, {\"name\": \"adamw\", \"lr\": 0.001}");
        assertEquals(1, run("experiment", cfg.toString(), "--smoke"));
        assertEquals(1, err().strip().lines().count(), err());
        assertTrue(err().contains(cfg + ": optimizers[1].name: unknown optimizer \"adamw\""), err());
    }

    @Test
    void missingConfigurationFileIsOneLineWithExitOne(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertEquals(1, run("experiment", missing.toString()));
        assertEquals(1, err().strip().lines().count(), err());
        assertTrue(err().contains(missing.toString()), err());
    }

    @Test
    void usageMistakesExitTwo() {
        assertEquals(2, run("experiment"));
        assertTrue(err().contains("needs a configuration file"), err());
        assertEquals(2, run("experiment", "x.json", "--smok"));
        assertTrue(err().contains("unknown option --smok"), err());
    }
}
