package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of every dataset reader, starting from the corpus in {@code src/test/resources/fuzz}:
 * every truncation, boundary header bytes, absurd 32-bit sizes in both byte orders, random edits and random files.
 * Each mutant must either read as a valid dataset or fail with a {@link DatasetFormatException} whose message starts
 * with the file; no other exception, no {@link OutOfMemoryError}, no hang (each test is bounded), and no allocation
 * far beyond the input's size. Failures are collected so one run lists every broken mutant (up to a limit).
 */
class ReaderMutationTest {
    private static final int RANDOM = 400;
    private static final int MAX_REPORTED = 8;
    /** Seeds up to this size are truncated at every length; larger ones every 16 bytes after the header. */
    private static final int MAX_FULL_TRUNCATION = 4096;
    /** A read may allocate its output (pixels as floats: 4x the bytes) plus fixed buffers, never more. */
    private static final long ALLOCATION_SLACK = 48L << 20;

    @TempDir
    Path dir;

    /** Reads one input; returns normally or throws what the reader throws. */
    @FunctionalInterface
    interface Read {
        void run(byte[] input, Path file) throws Exception;
    }

    /** Runs {@code read} on every mutant of every seed and fails listing the mutants that broke the contract. */
    private void fuzz(String format, int headerBytes, long rngSeed, Read read) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<String> broken = new ArrayList<>();
            int tried = 0;
            Path file = dir.resolve(format + "-input");
            long stream = rngSeed;
            // One open channel rewritten in place: closing a truncated file makes ext4 flush it, 2 ms per mutant.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                for (byte[] seed : FuzzCorpus.contents(format)) {
                    int stride = seed.length > MAX_FULL_TRUNCATION ? 16 : 1;
                    List<Mutations.Mutant> mutants = Mutations.of(seed, headerBytes, RANDOM, stream++, stride);
                    for (Mutations.Mutant m : mutants) {
                        ch.truncate(0);
                        ch.write(ByteBuffer.wrap(m.bytes()), 0);
                        String problem = checked(read, m.bytes(), file);
                        if (problem != null && broken.size() < MAX_REPORTED) {
                            broken.add(m.description() + " of a " + seed.length + "-byte seed: " + problem);
                        }
                    }
                    tried += mutants.size();
                }
            }
            assertTrue(tried > 1000, "only " + tried + " mutants");
            assertEquals(List.of(), broken, format + ": " + tried + " mutants tried");
        });
    }

    /** {@link #outcome}, plus a check that the read allocated no more than the input can justify. */
    private static String checked(Read read, byte[] input, Path file) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String problem = outcome(read, input, file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (problem == null && allocated > ALLOCATION_SLACK + 8L * input.length * 1032) {
            problem = "allocated " + allocated + " bytes for a " + input.length + "-byte input";
        }
        return problem;
    }

    /** {@code null} if the read kept the contract, else what went wrong. */
    private static String outcome(Read read, byte[] input, Path file) {
        try {
            read.run(input, file);
            return null;
        } catch (DatasetFormatException e) {
            return e.getMessage().startsWith(file + ": ") ? null : "message does not start with the file: "
                    + e.getMessage();
        } catch (Throwable t) {
            return "threw " + t;
        }
    }

    @Test
    void idxImageReaderRejectsEveryMutantCleanly() {
        fuzz("idx-images", 16, 1, (b, f) -> IdxReader.readImages(new ByteArrayInputStream(b), f.toString(),
                b.length));
    }

    @Test
    void idxImageReaderOnAStreamOfUnknownLengthRejectsEveryMutantCleanly() {
        fuzz("idx-images", 16, 2, (b, f) -> IdxReader.readImages(new ByteArrayInputStream(b), f.toString(), -1));
    }

    @Test
    void idxLabelReaderRejectsEveryMutantCleanly() {
        fuzz("idx-labels", 8, 3, (b, f) -> IdxReader.readLabels(new ByteArrayInputStream(b), f.toString(),
                b.length));
    }

    @Test
    void idxFilePairWithAMutatedLabelFileIsReadOrRejectedCleanly() throws IOException {
        Path images = Files.write(dir.resolve("images"), FuzzCorpus.contents("idx-images").get(1));
        fuzz("idx-labels", 8, 4, (b, f) -> IdxReader.read(images, f, "fuzz", 10));
    }

    @Test
    void gzippedMutantsOfARawIdxFileAreRejectedCleanly() {
        fuzz("idx-images", 16, 5, (b, f) -> {
            byte[] gz = IdxFiles.gzip(b);
            IdxReader.readImages(new ByteArrayInputStream(gz), f.toString(), gz.length);
        });
    }

    @Test
    void cifar10ReaderRejectsEveryMutantCleanly() {
        fuzz("cifar-10", 8, 6, (b, f) -> CifarReader.readCifar10(List.of(f), "fuzz"));
    }

    @Test
    void cifar100ReaderRejectsEveryMutantCleanly() {
        fuzz("cifar-100", 8, 7, (b, f) -> CifarReader.readCifar100(List.of(f), "fuzz", CifarLabel.FINE));
    }
}
