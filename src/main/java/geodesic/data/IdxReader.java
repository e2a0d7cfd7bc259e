package geodesic.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-style IDX files: images ({@code idx3-ubyte}: magic {@code 00 00 08 03}, then big-endian int32 count,
 * rows, columns, then {@code count * rows * columns} unsigned bytes) and labels ({@code idx1-ubyte}: magic
 * {@code 00 00 08 01}, count, then {@code count} unsigned bytes).
 *
 * <p>Files may be raw or gzip-compressed; which one is decided from the first bytes ({@code 1f 8b} is gzip), never
 * from the file name. Pixels become {@code byte / 255} in a one-channel NCHW dataset.
 *
 * <p><b>Validation.</b> Bad magic, a dimension count other than 3 (images) or 1 (labels), non-unsigned-byte
 * element types, zero or oversized dimensions, headers that disagree with the file size (or with the most a gzip
 * file of that size could expand to), truncated payloads, trailing bytes, image/label count mismatches and labels
 * outside {@code [0, numClasses)} each raise {@link DatasetFormatException} naming the file. Nothing is allocated
 * from a header's sizes until they pass these checks; for compressed input the payload buffer grows with the bytes
 * that really arrive.
 *
 * <p>Stateless; runs on the calling thread.
 */
public final class IdxReader {
    /** Largest image side accepted; real IDX datasets are 28x28, so anything near this is a corrupt header. */
    public static final int MAX_IMAGE_SIDE = 4096;

    private static final int IMAGES_HEADER = 16;
    private static final int LABELS_HEADER = 8;
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int BUFFER = 1 << 16;

    private IdxReader() {
    }

    /**
     * Reads an image file and its label file into a dataset whose source is the two paths.
     *
     * @see #read(Path, Path, String, String, int)
     */
    public static Dataset read(Path images, Path labels, String name, int numClasses) throws IOException {
        return read(images, labels, name, images + " + " + labels, numClasses);
    }

    /**
     * Reads an image file and its label file (each raw or gzip) into a new {@code [N, 1, rows, cols]} dataset.
     *
     * @param source description stored in the dataset, e.g. the directory and how it was found
     * @throws DatasetFormatException      if either file is malformed or they disagree on the count
     * @throws java.nio.file.NoSuchFileException if a file does not exist
     * @throws IOException                 if reading fails
     */
    public static Dataset read(Path images, Path labels, String name, String source, int numClasses)
            throws IOException {
        Images im;
        try (InputStream in = Files.newInputStream(images)) {
            im = readImages(in, images.toString(), Files.size(images));
        }
        byte[] lab;
        try (InputStream in = Files.newInputStream(labels)) {
            lab = readLabels(in, labels.toString(), Files.size(labels));
        }
        return toDataset(im, images.toString(), lab, labels.toString(), name, source, numClasses);
    }

    /** Images as read from one IDX file: {@code count} images of {@code rows x cols} unsigned bytes. */
    record Images(int count, int rows, int cols, byte[] pixels) {
    }

    /**
     * Combines images and labels read separately into a dataset.
     *
     * @throws DatasetFormatException naming the label file if the counts differ or a label is out of range
     */
    static Dataset toDataset(Images images, String imagesFile, byte[] labels, String labelsFile, String name,
            String source, int numClasses) throws DatasetFormatException {
        if (labels.length != images.count()) {
            throw new DatasetFormatException(labelsFile, "holds " + labels.length + " labels but " + imagesFile
                    + " holds " + images.count() + " images");
        }
        int[] ints = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            ints[i] = labels[i] & 0xff;
            if (ints[i] >= numClasses) {
                throw new DatasetFormatException(labelsFile, "label " + ints[i] + " at index " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        float[] pixels = new float[images.pixels().length];
        Payloads.toUnitFloats(images.pixels(), 0, pixels, 0, pixels.length);
        return Dataset.of(name, source, numClasses, 1, images.rows(), images.cols(), pixels, ints);
    }

    /**
     * Reads an {@code idx3-ubyte} image file from {@code raw} (not closed).
     *
     * @param file     name used in error messages
     * @param fileSize size of the stored (possibly compressed) file in bytes, or -1 if unknown
     */
    static Images readImages(InputStream raw, String file, long fileSize) throws IOException {
        Opened in = open(raw, file);
        byte[] header = new byte[IMAGES_HEADER];
        readHeader(in, header, file, 3, "image (idx3-ubyte)");
        ByteBuffer h = ByteBuffer.wrap(header);
        int count = h.getInt(4);
        int rows = h.getInt(8);
        int cols = h.getInt(12);
        if (count <= 0 || rows <= 0 || cols <= 0 || rows > MAX_IMAGE_SIDE || cols > MAX_IMAGE_SIDE) {
            throw new DatasetFormatException(file, "absurd dimensions: " + count + " images of " + rows + " x " + cols
                    + " (each must be positive, sides at most " + MAX_IMAGE_SIDE + ")");
        }
        long payload = (long) count * rows * cols;
        String what = count + " images of " + rows + " x " + cols;
        checkPayloadSize(payload, IMAGES_HEADER, what, in.compressed(), fileSize, file);
        byte[] pixels = readPayload(in, (int) payload, fileSize, file, what);
        return new Images(count, rows, cols, pixels);
    }

    /**
     * Reads an {@code idx1-ubyte} label file from {@code raw} (not closed); labels are returned as unsigned bytes.
     *
     * @param file     name used in error messages
     * @param fileSize size of the stored (possibly compressed) file in bytes, or -1 if unknown
     */
    static byte[] readLabels(InputStream raw, String file, long fileSize) throws IOException {
        Opened in = open(raw, file);
        byte[] header = new byte[LABELS_HEADER];
        readHeader(in, header, file, 1, "label (idx1-ubyte)");
        ByteBuffer h = ByteBuffer.wrap(header);
        int count = h.getInt(4);
        if (count <= 0) {
            throw new DatasetFormatException(file, "absurd dimensions: label count " + count + " must be positive");
        }
        String what = count + " labels";
        checkPayloadSize(count, LABELS_HEADER, what, in.compressed(), fileSize, file);
        return readPayload(in, count, fileSize, file, what);
    }

    private record Opened(InputStream stream, boolean compressed) {
    }

    private static Opened open(InputStream raw, String file) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new Opened(new GZIPInputStream(buffered, BUFFER), true);
            } catch (ZipException | EOFException e) {
                throw new DatasetFormatException(file, "corrupt gzip header: " + e.getMessage(), e);
            }
        }
        return new Opened(buffered, false);
    }

    /** Reads the header and checks its magic number, which is judged first when at least its 4 bytes exist. */
    private static void readHeader(Opened in, byte[] header, String file, int dims, String kind) throws IOException {
        int got;
        try {
            got = Payloads.readUpTo(in.stream(), header);
        } catch (ZipException | EOFException e) {
            throw new DatasetFormatException(file, "corrupt or truncated gzip stream in the " + kind + " header: "
                    + e.getMessage(), e);
        }
        if (got >= Integer.BYTES) {
            checkMagic(ByteBuffer.wrap(header).getInt(0), dims, file, kind);
        }
        if (got < header.length) {
            throw new DatasetFormatException(file, "truncated header: " + got + " of the " + header.length
                    + " header bytes of an IDX " + kind + " file");
        }
    }

    private static void checkMagic(int magic, int dims, String file, String kind) throws DatasetFormatException {
        int expected = (UNSIGNED_BYTE << 8) | dims;
        if (magic == expected) {
            return;
        }
        String found = String.format("%08x", magic);
        if ((magic >>> 16) != 0) {
            throw new DatasetFormatException(file, "bad magic " + found + ": not an IDX file (expected "
                    + String.format("%08x", expected) + " for an " + kind + " file, or gzip 1f8b)");
        }
        if (((magic >>> 8) & 0xff) != UNSIGNED_BYTE) {
            throw new DatasetFormatException(file, "unsupported IDX element type 0x"
                    + String.format("%02x", (magic >>> 8) & 0xff) + " (only unsigned byte 0x08 is supported)");
        }
        throw new DatasetFormatException(file, "wrong dimension count " + (magic & 0xff) + " (an " + kind
                + " file has " + dims + ")");
    }

    private static void checkPayloadSize(long payload, int headerBytes, String what, boolean compressed, long fileSize,
            String file) throws DatasetFormatException {
        if (payload > Payloads.MAX_ARRAY) {
            throw new DatasetFormatException(file, "absurd dimensions: " + what + " is " + payload
                    + " bytes, over the " + Payloads.MAX_ARRAY + "-element array limit");
        }
        if (fileSize < 0) {
            return;
        }
        long declared = headerBytes + payload;
        if (!compressed && fileSize < declared) {
            throw new DatasetFormatException(file, "truncated payload: header declares " + what + " (" + declared
                    + " bytes with the header) but the file has " + fileSize + " bytes");
        }
        if (!compressed && fileSize > declared) {
            throw new DatasetFormatException(file, "file has " + fileSize + " bytes but the header declares " + what
                    + " (" + declared + " bytes with the header): " + (fileSize - declared) + " trailing bytes");
        }
        if (compressed && declared > fileSize * Payloads.MAX_DEFLATE_EXPANSION) {
            throw new DatasetFormatException(file, "absurd dimensions: header declares " + what + " (" + declared
                    + " bytes), more than a " + fileSize + "-byte gzip file can hold");
        }
    }

    private static byte[] readPayload(Opened in, int payload, long fileSize, String file, String what)
            throws IOException {
        boolean verified = !in.compressed() && fileSize >= 0;
        try {
            byte[] data = Payloads.readDeclared(in.stream(), payload, verified, file, what);
            if (in.stream().read() >= 0) {
                throw new DatasetFormatException(file, "trailing bytes after the " + payload + "-byte payload of "
                        + what);
            }
            return data;
        } catch (ZipException | EOFException e) {
            throw new DatasetFormatException(file, "corrupt or truncated gzip stream while reading " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
