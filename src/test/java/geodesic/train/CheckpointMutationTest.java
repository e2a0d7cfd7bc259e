package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.FuzzCorpus;
import geodesic.data.Mutations;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutation fuzzing of {@link CheckpointFile#read} from the corpus in
 * {@code src/test/resources/fuzz/checkpoint}: every truncation of the small seed (every 8th byte past the header of
 * the larger one), boundary header bytes, absurd sizes, random edits and random files, once as they are (the
 * checksums must catch them) and once with the header's length and checksums recomputed (the parser must catch
 * them). Each must read back as a checkpoint or fail with a {@link CheckpointFormatException} naming the file; no
 * other exception, no hang, and no allocation beyond what the file's size justifies.
 */
class CheckpointMutationTest {
    private static final int RANDOM = 200;
    private static final long ALLOCATION_SLACK = 16L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "checksums recomputed: {0}")
    @ValueSource(booleans = {false, true})
    void checkpointReaderRejectsEveryMutantCleanly(boolean recomputeChecksums) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Path file = dir.resolve("input.ckpt");
            List<String> broken = new ArrayList<>();
            int tried = 0;
            int parsedPastChecksums = 0;
            long stream = recomputeChecksums ? 100 : 0;
            // One open channel rewritten in place: closing a truncated file makes ext4 flush it, 2 ms per mutant.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                for (byte[] seed : FuzzCorpus.contents("checkpoint")) {
                    int stride = seed.length > 4096 ? 8 : 1;
                    for (Mutations.Mutant m : Mutations.of(seed, 2 * CheckpointFile.HEADER_BYTES + 64, RANDOM,
                            stream++, stride)) {
                        byte[] input = recomputeChecksums ? TestFiles.withValidChecksums(m.bytes()) : m.bytes();
                        ch.truncate(0);
                        ch.write(ByteBuffer.wrap(input), 0);
                        tried++;
                        long before = threads.getCurrentThreadAllocatedBytes();
                        String problem = null;
                        try {
                            CheckpointFile.read(file);
                        } catch (CheckpointFormatException e) {
                            if (!e.getMessage().startsWith(file + ": ")) {
                                problem = "message without the file: " + e.getMessage();
                            }
                            if (e.getMessage().contains("malformed payload")) {
                                parsedPastChecksums++;
                            }
                        } catch (Throwable t) {
                            problem = "threw " + t;
                        }
                        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                        if (allocated > ALLOCATION_SLACK + 8L * input.length) {
                            problem = "allocated " + allocated + " bytes for a " + input.length + "-byte file";
                        }
                        if (problem != null && broken.size() < 8) {
                            broken.add(m.description() + " of a " + seed.length + "-byte seed: " + problem);
                        }
                    }
                }
            }
            assertTrue(tried > 2000, "only " + tried + " mutants");
            assertEquals(List.of(), broken, tried + " mutants tried");
            if (recomputeChecksums) {
                assertTrue(parsedPastChecksums > 500, "only " + parsedPastChecksums
                        + " mutants reached the parser's own checks");
            }
        });
    }
}
