package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * User mistakes on every command give one line on stderr, exit 2 for a bad command line and 1 for a file problem,
 * and are found before any data is loaded: each case also names a data directory that does not exist, so a
 * command that loaded data first would fail on that instead.
 */
class CommandLineMistakesTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String line) {
        List<String> args = new ArrayList<>();
        for (String a : line.trim().split("\\s+")) {
            args.add(a.replace("DIR", dir.toString()));
        }
        return Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String oneLine() {
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.strip().lines().count(), e);
        return e.strip();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "train --epochs abc                                      | train: --epochs must be an integer, got 'abc'",
            "train --optimizer adam --beta2 1.5                       | train: --beta2 must be a finite number in",
            "train --optimizer momentum --weight-decay -1             | train: --weight-decay must be a finite number",
            "train --optimizer tso-alra --switch plateau --patience x | train: --patience must be an integer, got 'x'",
            "train --optimizer tso-alra --switch isotropy --switch-epoch 3 | --switch-epoch goes with --switch epoch",
            "train --optimizer kronecker --damping NaN                | train: --damping must be a finite number",
            "train --optimizer tso-alra --roots later                 | train: --roots must be one of async, sync, got 'later'",
            "train --optimizer tso-alra --root-rank -3                | train: --root-rank must be in [0, 1000000], got -3",
            "train --optimizer kronecker --root-interval 0            | train: --root-interval must be in [1, 1000000], got 0",
            "train --resume DIR/a --checkpoint-dir DIR/b              | train: --resume DIR/a and --checkpoint-dir DIR/b differ",
            "train --checkpoint-every 5                               | train: --checkpoint-every needs --checkpoint-dir"})
    void trainRejectsBadValuesWithExitTwoBeforeLoadingData(String line, String message) {
        assertEquals(2, run(line + " --data DIR/no-data"));
        String e = oneLine();
        assertTrue(e.contains(message.replace("DIR", dir.toString())), e);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--csv DIR/file/metrics.csv  | train: --csv DIR/file/metrics.csv cannot be created: DIR/file is a file, not a directory",
            "--plot DIR                  | train: --plot DIR is a directory, expected a file name",
            "--checkpoint-dir DIR/file   | train: --checkpoint-dir DIR/file is not a directory",
            "--checkpoint-dir DIR/file/c | train: --checkpoint-dir DIR/file/c cannot be created: DIR/file is a file",
            "--resume DIR/missing        | train: --resume DIR/missing: no such directory",
            "--resume DIR/empty          | train: no checkpoint in DIR/empty"})
    void trainRejectsUnusableFilesWithExitOneBeforeLoadingData(String options, String message) throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        Files.createDirectories(dir.resolve("empty"));

        assertEquals(1, run("train --out DIR/run " + options + " --data DIR/no-data"));
        String e = oneLine();
        assertTrue(e.startsWith("geodesic: error: " + message.replace("DIR", dir.toString())), e);
        assertTrue(Files.notExists(dir.resolve("run")), "nothing is written before the check");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bench                                   | 2 | bench: expected 'bench train [options]'",
            "bench train --steps many                | 2 | bench train: --steps must be an integer, got 'many'",
            "bench train --optimizer adam --beta1 2  | 2 | bench train: --beta1 must be a finite number in",
            "bench train --optimizer lbfgs           | 2 | bench train: --optimizer must be one of",
            "bench train --stepz 3                   | 2 | bench train: unknown option --stepz",
            "info --size -1                          | 2 | info: --size must be in [1, 4096], got -1",
            "info extra                              | 2 | info: unexpected argument 'extra'",
            "experiment DIR/missing.json --threads x | 2 | experiment: --threads must be an integer, got 'x'",
            "experiment DIR/missing.json --out       | 2 | experiment: option --out needs a value",
            "experiment DIR/missing.json             | 1 | DIR/missing.json"})
    void otherCommandsReportMistakesInOneLine(String line, int status, String message) {
        assertEquals(status, run(line));
        String e = oneLine();
        assertTrue(e.contains(message.replace("DIR", dir.toString())), e);
    }

    @Test
    void experimentRefusesAnOutputDirectoryThatCannotBeCreatedBeforeRunning() throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        Path config = Files.writeString(dir.resolve("grid.json"), """
                {"name": "g", "data": {"source": "embedded", "trainSubset": 64}, "epochs": 1, "threads": 1,
                 "seeds": [1], "models": ["mlp"], "optimizers": [{"name": "sgd", "lr": 0.05}]}
                """);

        int status = run("experiment " + config + " --out DIR/file/out");

        String e = oneLine();
        assertEquals(1, status, e);
        assertTrue(e.contains("experiment: --out " + dir.resolve("file/out") + " cannot be created: "
                + dir.resolve("file") + " is a file, not a directory"), e);
    }

    @Test
    void fileSystemFailuresThatCarryOnlyAPathAreCompletedWithTheReason() {
        UncheckedIOException e = new UncheckedIOException("cannot write /x/m.csv: /x",
                new NoSuchFileException("/x"));

        assertEquals("cannot write /x/m.csv: /x: no such file or directory", Main.describe(e));
        assertEquals("/y: no such file or directory", Main.describe(new NoSuchFileException("/y")));
        assertEquals("plain", Main.describe(new IOException("plain")));
    }
}
