package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of {@link SvhnReader} (see {@link ReaderMutationTest} for the contract and mutations), in
 * a child JVM with a 256 MB heap, so that a header lying about a size shows up as a quick
 * {@link OutOfMemoryError} there instead of a multi-gigabyte allocation in the test JVM. The corpus includes the
 * files that once made the MAT library allocate a sub-element's declared 2 GB ({@code fuzz/svhn/found-*}).
 */
class SvhnMutationTest {
    @TempDir
    Path dir;

    @Test
    void svhnReaderRejectsEveryMutantWithADatasetFormatExceptionNamingTheFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            Path results = dir.resolve("results.tsv");
            Path log = dir.resolve("child.log");
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), SvhnFuzzChild.class.getName(),
                    dir.resolve("input.mat").toString(), results.toString(), "8")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int status = child.waitFor();
            assertEquals(0, status, "child JVM failed:\n" + Files.readString(log));

            List<String> lines = Files.readAllLines(results);
            int tried = Integer.parseInt(lines.getLast().split("\t")[1]);
            List<String> broken = lines.subList(0, lines.size() - 1).stream().limit(8).toList();
            assertTrue(tried > 5000, "only " + tried + " inputs");
            assertEquals(List.of(), broken, tried + " inputs tried");
        });
    }
}
