package geodesic.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of the dataset readers with Jazzer, started from the repository corpus
 * ({@code src/test/resources/fuzz}). Opt-in, one target per run, e.g.
 * {@code JAZZER_FUZZ=1 ./mvnw test-compile surefire:test@default-test -Dtest='ReaderFuzzTest#svhn'}; findings
 * are written as {@code crash-*} files in the project directory, and inputs worth keeping belong in the corpus
 * (which {@link ReaderMutationTest} and {@link SvhnMutationTest} replay in every build). A finding is any throwable
 * other than a {@link DatasetFormatException} naming the file, including {@link OutOfMemoryError}.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class ReaderFuzzTest {
    private static Path scratch;

    /** Seeds Jazzer's working corpus ({@code .cifuzz-corpus/<class>/<method>}) with the repository corpus. */
    @BeforeAll
    static void seedCorpus() throws IOException {
        seed("idxImages", "idx-images");
        seed("idxLabels", "idx-labels");
        seed("cifar10", "cifar-10");
        seed("svhn", "svhn");
        scratch = Files.createTempFile("geodesic-fuzz-", ".input");
        scratch.toFile().deleteOnExit();
    }

    static void seed(String method, String format) throws IOException {
        Path dir = Files.createDirectories(Path.of(".cifuzz-corpus", ReaderFuzzTest.class.getName(), method));
        for (Path p : FuzzCorpus.files(format)) {
            Files.copy(p, dir.resolve("seed-" + p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void idxImages(byte[] input) throws IOException {
        try {
            IdxReader.readImages(new ByteArrayInputStream(input), "fuzz-input", input.length);
        } catch (DatasetFormatException e) {
            requireNamesFile(e, "fuzz-input");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void idxLabels(byte[] input) throws IOException {
        try {
            IdxReader.readLabels(new ByteArrayInputStream(input), "fuzz-input", -1);
        } catch (DatasetFormatException e) {
            requireNamesFile(e, "fuzz-input");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void cifar10(byte[] input) throws IOException {
        Files.write(scratch, input);
        try {
            CifarReader.readCifar10(List.of(scratch), "fuzz");
        } catch (DatasetFormatException e) {
            requireNamesFile(e, scratch.toString());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void svhn(byte[] input) throws IOException {
        Files.write(scratch, input);
        try {
            SvhnReader.read(scratch, "fuzz");
        } catch (DatasetFormatException e) {
            requireNamesFile(e, scratch.toString());
        }
    }

    private static void requireNamesFile(DatasetFormatException e, String file) {
        if (!e.getMessage().startsWith(file + ": ")) {
            throw new IllegalStateException("message does not start with the file: " + e.getMessage(), e);
        }
    }
}
