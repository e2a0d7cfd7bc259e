package geodesic.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files byte by byte, in the documented layout, for tests and the embedded-subset tool. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** An idx3-ubyte image file: magic 00000803, big-endian count, rows, cols, then the pixels. */
    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(0x00000803).putInt(count).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    /** An idx1-ubyte label file: magic 00000801, big-endian count, then the labels. */
    static byte[] labels(byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(0x00000801).putInt(labels.length).put(labels).array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] randomLabels(int n, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(classes);
        }
        return b;
    }
}
