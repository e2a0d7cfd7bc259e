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
 * {@link OutOfMemoryError} there instead of a multi-gigabyte allocation in the test JVM.
 *
 * <p><b>Open bug.</b> MFL allocates a MAT array's flags, dimensions and name sub-elements at the sizes their tags
 * declare, before {@code SvhnReader}'s entry filter sees the array, so a 6 KB file whose array-flags tag claims
 * 2 GB makes the reader throw {@link OutOfMemoryError} (reproducers in {@code fuzz/svhn-open-bugs}). Until
 * {@code SvhnReader} checks those sub-element sizes against the file first, this test tolerates exactly that
 * failure and insists the reproducers still show it, so that fixing the reader makes this test fail as a reminder to
 * drop the tolerance and move the reproducers into {@code fuzz/svhn}.
 */
class SvhnMutationTest {
    private static final String KNOWN_OPEN_BUG = "java.lang.OutOfMemoryError";

    @TempDir
    Path dir;

    @Test
    void svhnReaderRejectsEveryMutantCleanlyApartFromTheOpenSubElementSizeBug() {
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
            List<String> broken = lines.subList(0, lines.size() - 1);
            List<String> unexpected = broken.stream().filter(l -> !l.split("\t")[2].startsWith(KNOWN_OPEN_BUG))
                    .limit(8).toList();
            List<String> reproducers = broken.stream().filter(l -> l.split("\t")[1].startsWith("open bug ")).toList();
            assertTrue(tried > 5000, "only " + tried + " inputs");
            assertEquals(List.of(), unexpected, tried + " inputs tried");
            assertEquals(FuzzCorpus.files("svhn-open-bugs").size(), reproducers.size(),
                    "a reproducer of the open OutOfMemoryError bug no longer fails: if SvhnReader is fixed, drop "
                            + "KNOWN_OPEN_BUG and move fuzz/svhn-open-bugs into fuzz/svhn; reproducers failing: "
                            + reproducers);
        });
    }
}
