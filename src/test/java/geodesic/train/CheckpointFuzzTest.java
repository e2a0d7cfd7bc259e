package geodesic.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import geodesic.data.FuzzCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of {@link CheckpointFile#read} with Jazzer, started from the repository corpus
 * ({@code src/test/resources/fuzz/checkpoint}). Opt-in, one target per run:
 * {@code JAZZER_FUZZ=1 ./mvnw test-compile surefire:test@default-test -Dtest='CheckpointFuzzTest#parser'}.
 * {@code parser} recomputes the header's length and checksums of every input so the fuzzer explores the payload
 * parser rather than the checksum. A finding is any throwable other than a {@link CheckpointFormatException}
 * naming the file.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class CheckpointFuzzTest {
    private static Path scratch;

    @BeforeAll
    static void seedCorpus() throws IOException {
        for (String method : new String[] {"file", "parser"}) {
            Path dir = Files.createDirectories(Path.of(".cifuzz-corpus", CheckpointFuzzTest.class.getName(), method));
            for (Path p : FuzzCorpus.files("checkpoint")) {
                Files.copy(p, dir.resolve("seed-" + p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        scratch = Files.createTempFile("geodesic-fuzz-", ".ckpt");
        scratch.toFile().deleteOnExit();
    }

    @FuzzTest(maxDuration = "60s")
    void file(byte[] input) throws IOException {
        read(input);
    }

    @FuzzTest(maxDuration = "60s")
    void parser(byte[] input) throws IOException {
        read(TestFiles.withValidChecksums(input));
    }

    private static void read(byte[] input) throws IOException {
        Files.write(scratch, input);
        try {
            CheckpointFile.read(scratch);
        } catch (CheckpointFormatException e) {
            if (!e.getMessage().startsWith(scratch + ": ")) {
                throw new IllegalStateException("message does not start with the file: " + e.getMessage(), e);
            }
        }
    }
}
