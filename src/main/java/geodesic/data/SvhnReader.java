package geodesic.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import us.hebi.matlab.mat.format.BufferAllocator;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.format.Mat5Reader;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Source;
import us.hebi.matlab.mat.types.Sources;

/**
 * Reads SVHN "format 2" cropped-digit files ({@code train_32x32.mat}, {@code test_32x32.mat},
 * {@code extra_32x32.mat}) into 10-class {@code [N, 3, 32, 32]} datasets, through the MFL MAT-file library.
 *
 * <p><b>Format.</b> A MATLAB v5 MAT-file (the official files; the HDF5-based v7.3 format is rejected with a message)
 * holding {@code X}, a {@code uint8} array of size {@code 32 x 32 x 3 x N} (row, column, RGB channel, example; stored
 * column-major), and {@code y}, an {@code N x 1} (or {@code 1 x N}) numeric array of labels {@code 1..10}, where
 * {@code 10} stands for the digit 0. Labels are mapped to {@code 0..9} (10 becomes 0, others stay), so label
 * {@code k} is the digit {@code k}. Pixels are transposed to NCHW and scaled to {@code byte / 255}.
 *
 * <p><b>Validation.</b> Before the library opens the file, every element tag is walked ({@link Mat5Layout}): each
 * element must fit the bytes left, and each array's flags, dimensions and name sub-elements must be of sane size
 * and fit their array, since the library allocates them as declared. Before the library reads an array's data, its
 * header is checked: {@code X} must be
 * {@code uint8} with dimensions {@code [32, 32, 3, N]}, {@code y} numeric and {@code N x 1}, and the bytes they
 * declare must fit the file (at most {@value Payloads#MAX_DEFLATE_EXPANSION} times its size, the deflate limit).
 * Every buffer the library asks for is refused if it exceeds what the accepted header declared. Wrong types or
 * shapes, missing variables, disagreeing counts, labels outside {@code 1..10} and truncated or corrupt files raise
 * {@link DatasetFormatException} naming the file.
 *
 * <p>Stateless; runs on the calling thread.
 */
public final class SvhnReader {
    private static final int SIDE = 32;
    private static final int CHANNELS = 3;
    private static final int PIXELS = SIDE * SIDE * CHANNELS;
    /** Byte offset of an HDF5 superblock in a v7.3 MAT-file, after its 512-byte user block. */
    private static final int HDF5_OFFSET = 512;
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** Allowance for the small buffers the library may allocate before an array has been accepted. */
    private static final int SMALL_ALLOCATION = 1 << 16;
    private static final Set<MatlabType> NUMERIC = EnumSet.of(MatlabType.Double, MatlabType.Single, MatlabType.Int8,
            MatlabType.UInt8, MatlabType.Int16, MatlabType.UInt16, MatlabType.Int32, MatlabType.UInt32,
            MatlabType.Int64, MatlabType.UInt64);

    private SvhnReader() {
    }

    /**
     * Reads one SVHN format-2 {@code .mat} file.
     *
     * @param name dataset name, e.g. {@code "SVHN train"}
     * @throws DatasetFormatException if the file is not a valid SVHN format-2 MAT v5 file
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException            if reading fails
     */
    public static Dataset read(Path file, String name) throws IOException {
        String where = file.toString();
        long fileSize = Files.size(file);
        ByteOrder order = checkHeader(file, where, fileSize);
        Mat5Layout.check(file, where, fileSize, order);
        Guard guard = new Guard(where, fileSize);
        Mat5File mat;
        try (Source source = Sources.openFile(file.toFile())) {
            mat = Mat5.newReader(source)
                    .setEntryFilter(header -> guard.accept(header.getName(), header.getType(), header.getDimensions()))
                    .setBufferAllocator(guard)
                    .disableSubsystemProcessing()
                    .readMat();
        } catch (IOException | RuntimeException e) {
            throw translate(where, e);
        }
        try (mat) {
            return toDataset(mat, where, name);
        }
    }

    /**
     * Rejects files too short for a MAT header, and v7.3 (HDF5) files, with a message saying what they are; returns
     * the byte order the endian indicator declares.
     */
    private static ByteOrder checkHeader(Path file, String where, long fileSize) throws IOException {
        if (fileSize < Mat5Layout.HEADER_BYTES) {
            throw new DatasetFormatException(where, "truncated header: " + fileSize + " bytes, a MAT-file header has "
                    + Mat5Layout.HEADER_BYTES);
        }
        byte[] head = new byte[HDF5_OFFSET + HDF5_SIGNATURE.length];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = Payloads.readUpTo(in, head);
        }
        String text = new String(head, 0, 116, StandardCharsets.ISO_8859_1);
        boolean hdf5 = got == head.length
                && Arrays.equals(head, HDF5_OFFSET, head.length, HDF5_SIGNATURE, 0, HDF5_SIGNATURE.length);
        if (hdf5 || text.startsWith("MATLAB 7.3")) {
            throw new DatasetFormatException(where, "MAT v7.3 (HDF5) file; only MAT v5 is supported, as in the "
                    + "official SVHN files (re-save it in MATLAB with save(..., '-v7'))");
        }
        // The indicator is the 16-bit value 'M' << 8 | 'I', so a little-endian file stores it as "IM".
        boolean little = head[126] == 'I' && head[127] == 'M';
        boolean big = head[126] == 'M' && head[127] == 'I';
        if (!little && !big) {
            throw new DatasetFormatException(where, "bad magic: not a MAT v5 file (no 'IM' or 'MI' endian indicator "
                    + "at byte 126; header text starts with \""
                    + text.substring(0, 19).replaceAll("[^\\x20-\\x7e]", "?") + "\")");
        }
        return little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    private static Dataset toDataset(Mat5File mat, String where, String name) throws DatasetFormatException {
        Matrix x = variable(mat, "X", where);
        Matrix y = variable(mat, "y", where);
        int n = x.getNumElements() / PIXELS;
        if (y.getNumElements() != n) {
            throw new DatasetFormatException(where, "X holds " + n + " images but y holds " + y.getNumElements()
                    + " labels");
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double v = y.getDouble(i);
            if (v != Math.rint(v) || v < 1 || v > 10) {
                throw new DatasetFormatException(where, "label y(" + (i + 1) + ") is " + v
                        + ", expected an integer in 1..10 (10 is the digit 0)");
            }
            labels[i] = (int) v % 10;
        }
        float[] pixels = new float[n * PIXELS];
        int out = 0;
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < CHANNELS; c++) {
                for (int r = 0; r < SIDE; r++) {
                    // MATLAB is column-major: X(r, col, c, e) lives at r + 32 col + 1024 c + 3072 e.
                    int base = r + SIDE * SIDE * c + PIXELS * e;
                    for (int col = 0; col < SIDE; col++) {
                        pixels[out++] = (x.getByte(base + SIDE * col) & 0xff) / 255f;
                    }
                }
            }
        }
        return Dataset.of(name, "SVHN format 2: " + where, 10, CHANNELS, SIDE, SIDE, pixels, labels);
    }

    private static Matrix variable(Mat5File mat, String name, String where) throws DatasetFormatException {
        for (var entry : mat.getEntries()) {
            if (entry.getName().equals(name)) {
                return (Matrix) entry.getValue();
            }
        }
        if (mat.getNumEntries() == 0) {
            throw new DatasetFormatException(where, "no variable '" + name + "': the file holds no X or y after its "
                    + "header (truncated?)");
        }
        throw new DatasetFormatException(where, "no variable '" + name + "' (an SVHN format-2 file holds X and y)");
    }

    private static DatasetFormatException translate(String where, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Rejected r) {
                return new DatasetFormatException(where, r.getMessage(), e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new DatasetFormatException(where, "corrupt or truncated MAT-file: " + detail, e);
    }

    /** A header the guard refused; unchecked because the library's callbacks declare no exceptions. */
    private static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks each top-level array header before the library reads its data, and caps every buffer the library
     * allocates at what the accepted header declared.
     */
    private static final class Guard implements BufferAllocator {
        private final String where;
        private final long fileSize;
        private long allowance = SMALL_ALLOCATION;

        Guard(String where, long fileSize) {
            this.where = where;
            this.fileSize = fileSize;
        }

        boolean accept(String name, MatlabType type, int[] dims) {
            long bytes;
            if (name.equals("X")) {
                if (type != MatlabType.UInt8) {
                    throw new Rejected("X has type " + type + ", expected uint8");
                }
                // MATLAB drops trailing singleton dimensions, so a one-image file has X of size [32, 32, 3].
                boolean single = dims.length == 3;
                if ((dims.length != 4 && !single) || dims[0] != SIDE || dims[1] != SIDE || dims[2] != CHANNELS
                        || (!single && dims[3] <= 0)) {
                    throw new Rejected("wrong dimensions " + Arrays.toString(dims) + " for X, expected [32, 32, 3, N]"
                            + " with N > 0");
                }
                bytes = (single ? 1L : dims[3]) * PIXELS;
                if (bytes > Payloads.MAX_ARRAY) {
                    throw new Rejected("absurd dimensions " + Arrays.toString(dims) + " for X: " + bytes
                            + " pixels exceed the " + Payloads.MAX_ARRAY + "-element array limit");
                }
            } else if (name.equals("y")) {
                if (!NUMERIC.contains(type)) {
                    throw new Rejected("y has type " + type + ", expected a numeric array");
                }
                if (dims.length != 2 || Math.min(dims[0], dims[1]) != 1 || Math.max(dims[0], dims[1]) <= 0) {
                    throw new Rejected("wrong dimensions " + Arrays.toString(dims) + " for y, expected [N, 1]");
                }
                bytes = (long) Math.max(dims[0], dims[1]) * Double.BYTES;
            } else {
                return false;
            }
            if (bytes > fileSize * Payloads.MAX_DEFLATE_EXPANSION) {
                throw new Rejected("absurd dimensions " + Arrays.toString(dims) + " for " + name + ": " + bytes
                        + " bytes cannot come from a " + fileSize + "-byte file");
            }
            allowance = bytes;
            return true;
        }

        @Override
        public ByteBuffer allocate(int numBytes) {
            if (numBytes < 0 || numBytes > allowance) {
                throw new Rejected("a data element of " + Integer.toUnsignedString(numBytes) + " bytes exceeds the "
                        + allowance + " bytes its array header declares");
            }
            return ByteBuffer.allocate(numBytes);
        }

        @Override
        public void release(ByteBuffer buffer) {
            // Heap buffers are reclaimed by the garbage collector.
        }
    }
}
