package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.FuzzCorpus;
import geodesic.data.Mutations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the experiment configuration reader from the corpus in
 * {@code src/test/resources/fuzz/experiment-config}: byte-level mutants (every truncation, random edits, random
 * files) through {@link ExperimentConfig#read}, and JSON-level mutants (every number and string replaced by values
 * of the wrong type, out of range, overflowing or deeply nested) through {@link ExperimentConfig#parse}. Each must
 * either give a configuration whose grid expands, or fail with an {@link IllegalArgumentException} or
 * {@link IOException} whose message starts with the file; nothing else, and no hang.
 */
class ExperimentConfigMutationTest {
    private static final int RANDOM = 400;
    private static final int MAX_REPORTED = 8;
    private static final Pattern VALUE = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final List<String> REPLACEMENTS = List.of("-1", "0", "1e309", "-1e309", "99999999999999999999",
            "2147483648", "0.5", "\"\"", "\"x\"", "null", "true", "[]", "{}", "[[[[[[[[[[", "NaN", "\"\\ud800\"", "\"a\\u0000b\"");

    @TempDir
    Path dir;

    @Test
    void everyByteMutantIsReadOrRejectedNamingTheFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Path file = dir.resolve("grid.json");
            List<String> broken = new ArrayList<>();
            int tried = 0;
            long stream = 5;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                for (byte[] seed : FuzzCorpus.contents("experiment-config")) {
                    for (Mutations.Mutant m : Mutations.of(seed, 0, RANDOM, stream++, 1)) {
                        ch.truncate(0);
                        ch.write(ByteBuffer.wrap(m.bytes()), 0);
                        String problem = outcome(file.toString(), () -> ExperimentConfig.read(file));
                        if (problem != null && broken.size() < MAX_REPORTED) {
                            broken.add(m.description() + ": " + problem);
                        }
                        tried++;
                    }
                }
            }
            assertTrue(tried > 1000, "only " + tried + " mutants");
            assertEquals(List.of(), broken, tried + " mutants tried");
        });
    }

    @Test
    void everyValueReplacedByAWrongOneIsRejectedNamingTheFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<String> broken = new ArrayList<>();
            int tried = 0;
            for (byte[] seed : FuzzCorpus.contents("experiment-config")) {
                String text = new String(seed, StandardCharsets.UTF_8);
                Matcher v = VALUE.matcher(text);
                while (v.find()) {
                    for (String r : REPLACEMENTS) {
                        String mutant = text.substring(0, v.start()) + r + text.substring(v.end());
                        String problem = outcome("mutant.json", () -> ExperimentConfig.parse(mutant, "mutant.json"));
                        if (problem != null && broken.size() < MAX_REPORTED) {
                            broken.add(v.group() + " at " + v.start() + " replaced by " + r + ": " + problem);
                        }
                        tried++;
                    }
                }
            }
            assertTrue(tried > 1000, "only " + tried + " mutants");
            assertEquals(List.of(), broken, tried + " mutants tried");
        });
    }

    /** Reads one input. */
    @FunctionalInterface
    private interface Read {
        ExperimentConfig run() throws IOException;
    }

    /** Null if {@code read} kept the contract, else what broke it. */
    private static String outcome(String source, Read read) {
        try {
            ExperimentConfig c = read.run();
            c.runs();
            c.smoke().runs();
            return null;
        } catch (IllegalArgumentException | IOException e) {
            return e.getMessage() != null && e.getMessage().startsWith(source) ? null
                    : "message without the file: " + e;
        } catch (Throwable t) {
            return t.toString();
        }
    }
}
