package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxMalformedTest {
    private static final byte[] PIXELS = IdxFiles.randomBytes(3 * 5 * 4, 1);
    private static final byte[] LABELS = {1, 2, 3};

    @TempDir
    Path dir;

    static Stream<Arguments> malformedImageFiles() {
        return Stream.of(
                Arguments.of("zip archive", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                        "bad magic"),
                Arguments.of("label magic in an image file", IdxFiles.labels(LABELS), "wrong dimension count"),
                Arguments.of("float element type", header(0x00000d03, 3, 5, 4, 60), "unsupported IDX element type"),
                Arguments.of("zero rows", header(0x00000803, 3, 0, 4, 0), "absurd dimensions"),
                Arguments.of("negative count", header(0x00000803, -3, 5, 4, 0), "absurd dimensions"),
                Arguments.of("side over the limit", header(0x00000803, 1, 100_000, 1, 0), "absurd dimensions"),
                Arguments.of("over the array limit", header(0x00000803, 1 << 30, 28, 28, 0), "absurd dimensions"),
                Arguments.of("count larger than the file", header(0x00000803, 60_000, 28, 28, 60), "truncated"),
                Arguments.of("trailing bytes", concat(IdxFiles.images(3, 5, 4, PIXELS), new byte[7]),
                        "7 trailing bytes"),
                Arguments.of("gzip declaring more than it can hold",
                        IdxFiles.gzip(header(0x00000803, 2_000_000, 28, 28, 0)), "more than a"),
                Arguments.of("gzip with trailing bytes",
                        IdxFiles.gzip(concat(IdxFiles.images(3, 5, 4, PIXELS), new byte[2])), "trailing bytes"),
                Arguments.of("corrupt gzip body", corruptGzip(), "corrupt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedImageFiles")
    void malformedImageFileIsRejectedNamingFileAndProblem(String what, byte[] content, String problem)
            throws IOException {
        Path images = Files.write(dir.resolve("images-" + what.replace(' ', '-')), content);
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(LABELS));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(images, labels, "bad", 10));

        assertTrue(e.getMessage().startsWith(images.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void labelFileWithImageMagicIsRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(3, 5, 4, PIXELS));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.images(3, 5, 4, PIXELS));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(images, labels, "bad", 10));

        assertTrue(e.getMessage().startsWith(labels + ": wrong dimension count 3"), e.getMessage());
    }

    @Test
    void countsThatDisagreeNameBothFilesAndCounts() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(3, 5, 4, PIXELS));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1, 2}));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(images, labels, "bad", 10));

        assertTrue(e.getMessage().equals(labels + ": holds 2 labels but " + images + " holds 3 images"),
                e.getMessage());
    }

    @Test
    void labelOutsideTheClassesIsRejectedWithItsIndex() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(3, 5, 4, PIXELS));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1, 10, 2}));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(images, labels, "bad", 10));

        assertTrue(e.getMessage().equals(labels + ": label 10 at index 1 is outside [0, 10)"), e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void everyTruncationOfAValidFileIsRejectedNamingTheFile(boolean gzip) throws IOException {
        byte[] full = IdxFiles.images(3, 5, 4, PIXELS);
        byte[] valid = gzip ? IdxFiles.gzip(full) : full;
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(LABELS));
        for (int length = 0; length < valid.length; length++) {
            Path images = Files.write(dir.resolve("images-cut-" + length), Arrays.copyOf(valid, length));

            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> IdxReader.read(images, labels, "cut", 10), "length " + length);

            String m = e.getMessage();
            assertTrue(m.startsWith(images + ": ") && (m.contains("truncated") || m.contains("corrupt")),
                    "length " + length + " of " + valid.length + ": " + m);
        }
    }

    @Test
    void lyingHeaderOnAStreamOfUnknownLengthDoesNotAllocateWhatItClaims() {
        // 2,000,000 images of 28x28 would be 1.5 GB of bytes and 6 GB of floats; only 100 bytes follow.
        byte[] lie = concat(header(0x00000803, 2_000_000, 28, 28, 0), new byte[100]);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(IdxFiles.gzip(lie)), "lying-stream", -1));

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().startsWith("lying-stream: truncated payload"), e.getMessage());
        assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes for a 100-byte payload");
    }

    private static byte[] header(int magic, int count, int rows, int cols, int payload) {
        return ByteBuffer.allocate(16 + payload).putInt(magic).putInt(count).putInt(rows).putInt(cols).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] corruptGzip() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(3, 5, 4, PIXELS));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] = (byte) 0xff;
        }
        return gz;
    }
}
