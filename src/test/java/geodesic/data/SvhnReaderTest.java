package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sink;
import us.hebi.matlab.mat.types.Sinks;

class SvhnReaderTest {
    @TempDir
    Path dir;

    /** X as MATLAB stores it: uint8 [32, 32, 3, n], column-major. */
    private static Matrix images(int n, long seed) {
        Matrix x = Mat5.newMatrix(new int[] {32, 32, 3, n}, MatlabType.UInt8);
        byte[] values = new byte[n * 3072];
        new SplittableRandom(seed).nextBytes(values);
        for (int i = 0; i < values.length; i++) {
            x.setByte(i, values[i]);
        }
        return x;
    }

    /** y as {@code [n, 1]} of the given type with MATLAB labels 1..10. */
    private static Matrix labels(int n, MatlabType type, long seed) {
        Matrix y = Mat5.newMatrix(new int[] {n, 1}, type);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            y.setDouble(i, 1 + random.nextInt(10));
        }
        return y;
    }

    private Path write(String name, boolean compressed, String xName, Matrix x, String yName, Matrix y)
            throws IOException {
        Path file = dir.resolve(name);
        MatFile mat = Mat5.newMatFile();
        if (x != null) {
            mat.addArray(xName, x);
        }
        if (y != null) {
            mat.addArray(yName, y);
        }
        try (Sink sink = Sinks.newStreamingFile(file.toFile())) {
            Mat5.newWriter(sink).setDeflateLevel(compressed ? Deflater.DEFAULT_COMPRESSION : Deflater.NO_COMPRESSION)
                    .writeMat(mat);
        }
        return file;
    }

    @ParameterizedTest(name = "n={0}, compressed={1}, y={2}")
    @CsvSource({"1, true, Double", "7, true, Double", "9, false, UInt8", "33, true, UInt8"})
    void imagesAreTransposedToNchwAndLabelTenBecomesZero(int n, boolean compressed, MatlabType yType)
            throws IOException {
        Matrix x = images(n, n);
        Matrix y = labels(n, yType, 100 + n);
        Path file = write("train_32x32.mat", compressed, "X", x, "y", y);

        Dataset d = SvhnReader.read(file, "SVHN train");

        assertEquals(n, d.size());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new int[] {n, 3, 32, 32}, d.images().shape());
        double maxError = 0;
        for (int e = 0; e < n; e++) {
            int matlab = (int) y.getDouble(e);
            assertEquals(matlab == 10 ? 0 : matlab, d.label(e), "label of example " + e);
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 32; r++) {
                    for (int col = 0; col < 32; col++) {
                        double reference = (x.getByte(r + 32 * col + 1024 * c + 3072 * e) & 0xff) / 255.0;
                        maxError = Math.max(maxError, Math.abs(d.images().get(e, c, r, col) - reference));
                    }
                }
            }
        }
        assertTrue(maxError <= 6e-8, "max abs error vs float64 X(r,col,c,e)/255 was " + maxError);
    }

    @Test
    void singleImageWhoseTrailingDimensionMatlabDroppedIsRead() throws IOException {
        Matrix x = Mat5.newMatrix(new int[] {32, 32, 3}, MatlabType.UInt8);
        x.setByte(1 + 32 * 2 + 1024 * 1, (byte) 255);
        Matrix y = Mat5.newMatrix(1, 1);
        y.setDouble(0, 10);
        Path file = write("one.mat", true, "X", x, "y", y);

        Dataset d = SvhnReader.read(file, "one");

        assertEquals(1, d.size());
        assertEquals(0, d.label(0));
        assertEquals(1f, d.images().get(0, 1, 1, 2));
        assertEquals(0f, d.images().get(0, 1, 2, 1));
    }

    @Test
    void wrongImageShapeIsRejected() throws IOException {
        Path file = write("gray.mat", true, "X", Mat5.newMatrix(new int[] {28, 28, 1, 4}, MatlabType.UInt8), "y",
                labels(4, MatlabType.Double, 1));

        assertProblem(file, "wrong dimensions [28, 28, 1, 4] for X, expected [32, 32, 3, N]");
    }

    @Test
    void nonByteImagesAreRejected() throws IOException {
        Path file = write("double.mat", true, "X", Mat5.newMatrix(new int[] {32, 32, 3, 2}, MatlabType.Double), "y",
                labels(2, MatlabType.Double, 1));

        assertProblem(file, "X has type double, expected uint8");
    }

    @Test
    void missingLabelsAreRejected() throws IOException {
        Path file = write("nolabels.mat", true, "X", images(2, 1), "labels", labels(2, MatlabType.Double, 1));

        assertProblem(file, "no variable 'y'");
    }

    @Test
    void labelCountThatDisagreesIsRejected() throws IOException {
        Path file = write("counts.mat", true, "X", images(3, 1), "y", labels(2, MatlabType.Double, 1));

        assertProblem(file, "X holds 3 images but y holds 2 labels");
    }

    @ParameterizedTest(name = "label {0}")
    @ValueSource(doubles = {0, 11, 2.5, -1})
    void labelOutsideOneToTenIsRejected(double bad) throws IOException {
        Matrix y = labels(4, MatlabType.Double, 2);
        y.setDouble(2, bad);
        Path file = write("badlabel.mat", true, "X", images(4, 1), "y", y);

        assertProblem(file, "label y(3) is " + bad + ", expected an integer in 1..10");
    }

    @Test
    void nonMatFileIsRejectedByMagic() throws IOException {
        Path file = Files.write(dir.resolve("notmat.mat"), new byte[200]);

        assertProblem(file, "bad magic: not a MAT v5 file");
    }

    @Test
    void hdf5BasedVersion73IsRejectedWithAMessageSayingSo() throws IOException {
        byte[] bytes = new byte[1024];
        byte[] text = "MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, bytes, 0, text.length);
        byte[] hdf5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(hdf5, 0, bytes, 512, hdf5.length);
        Path file = Files.write(dir.resolve("v73.mat"), bytes);

        assertProblem(file, "MAT v7.3 (HDF5) file; only MAT v5 is supported");
    }

    @Test
    void absurdImageCountIsRejectedBeforeReadingTheData() throws IOException {
        Path file = write("lying.mat", false, "X", images(2, 1), "y", labels(2, MatlabType.Double, 1));
        patchImageCount(file, 2, 100_000);

        assertProblem(file, "absurd dimensions [32, 32, 3, 100000] for X");
    }

    @Test
    void dataElementLargerThanItsHeaderDeclaresIsRefused() throws IOException {
        Path file = write("shrunk.mat", false, "X", images(3, 1), "y", labels(3, MatlabType.Double, 1));
        patchImageCount(file, 3, 2);

        assertProblem(file, "a data element of 9216 bytes exceeds the 6144 bytes its array header declares");
    }

    @ParameterizedTest(name = "compressed={0}")
    @ValueSource(booleans = {true, false})
    void truncatedFilesAreRejectedNamingTheFile(boolean compressed) throws IOException {
        byte[] valid = Files.readAllBytes(write("valid.mat", compressed, "X", images(3, 4), "y",
                labels(3, MatlabType.Double, 5)));
        for (int length : new int[] {0, 100, 128, 140, 200, valid.length / 2, valid.length - 9, valid.length - 1}) {
            Path file = Files.write(dir.resolve("cut-" + length + ".mat"), Arrays.copyOf(valid, length));

            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> SvhnReader.read(file, "cut"), "length " + length);

            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": ") && (m.contains("truncated") || m.contains("corrupt")),
                    "length " + length + " of " + valid.length + ": " + m);
        }
    }

    /** Byte offsets, in X's uncompressed array element (after its 8-byte tag), of the size word of each header tag. */
    private static final int FLAGS_SIZE = 4;
    private static final int DIMS_SIZE = 20;
    private static final int ELEMENT_SIZE = -4;

    @ParameterizedTest(name = "{0}, compressed={1}")
    @CsvSource({
            "array flags,    false, 2147483640, array flags of the element at byte 128 declare 2147483640 bytes",
            "array flags,    true,  2130706440, array flags of the compressed element at byte 128 declare 2130706440",
            "dimensions,     false, -8,         dimensions of the element at byte 128 declare 4294967288 bytes",
            "dimensions,     true,  1048576,    dimensions of the compressed element at byte 128 declare 1048576",
            "array element,  false, 2147483647, data element at byte 128 declares 2147483647 bytes but only",
            "array element,  true,  2147483647, declares an array of 2147483647 bytes, more than its"})
    void lyingSubElementSizesAreRefusedBeforeTheLibraryAllocatesThem(String field, boolean compressed, int size,
                                                                      String problem) throws IOException {
        Path plain = write("valid.mat", false, "X", images(2, 1), "y", labels(2, MatlabType.Double, 1));
        int at = switch (field) {
            case "array flags" -> FLAGS_SIZE;
            case "dimensions" -> DIMS_SIZE;
            default -> ELEMENT_SIZE;
        };
        Path file = Files.write(dir.resolve("lying.mat"), patchFirstArray(Files.readAllBytes(plain), at, size,
                compressed));

        assertProblem(file, problem);
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({
            "8192,    array name of the element at byte 128 is 8192 bytes of data type 1, expected at most 4096",
            "1048576, array name of the element at byte 128 declare 1048576 bytes but only 61448 bytes"})
    void hugeArrayNameIsRefused(int size, String problem) throws IOException {
        Path plain = write("valid.mat", false, "X", images(20, 1), "y", labels(20, MatlabType.Double, 1));
        byte[] bytes = Files.readAllBytes(plain);
        // The name "X" sits in a small data element after the 16-byte flags and the 24-byte dimensions.
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(136 + 16 + 24, 1).putInt(136 + 16 + 24 + 4,
                size);
        Path file = Files.write(dir.resolve("name.mat"), bytes);

        assertProblem(file, problem);
    }

    @Test
    void compressedElementHoldingSomethingOtherThanAnArrayIsRefused() throws IOException {
        Path plain = write("valid.mat", false, "X", images(1, 1), "y", labels(1, MatlabType.Double, 1));
        Path file = Files.write(dir.resolve("inner.mat"), patchFirstArray(Files.readAllBytes(plain), -8, 7, true));

        assertProblem(file, "compressed element at byte 128 holds data type 7, expected miMATRIX (14)");
    }

    /**
     * A copy of an uncompressed little-endian MAT-file with the 32-bit word at {@code offset} of its first array
     * element (relative to the end of the element's tag) set to {@code value}, and with that element deflated into
     * an miCOMPRESSED element (with a valid checksum) when {@code compressed}.
     */
    private static byte[] patchFirstArray(byte[] plain, int offset, int value, boolean compressed) {
        ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        int elementEnd = 136 + b.getInt(132);
        b.putInt(136 + offset, value);
        if (!compressed) {
            return plain;
        }
        Deflater deflater = new Deflater();
        deflater.setInput(plain, 128, elementEnd - 128);
        deflater.finish();
        byte[] deflated = new byte[2 * plain.length + 64];
        int n = deflater.deflate(deflated);
        deflater.end();
        ByteBuffer out = ByteBuffer.allocate(128 + 8 + n + plain.length - elementEnd).order(ByteOrder.LITTLE_ENDIAN);
        out.put(plain, 0, 128).putInt(15).putInt(n).put(deflated, 0, n).put(plain, elementEnd,
                plain.length - elementEnd);
        return out.array();
    }

    private static void assertProblem(Path file, String problem) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SvhnReader.read(file, "bad"));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    /** Rewrites N in X's dimension subelement {@code [32, 32, 3, N]} of an uncompressed MAT-file. */
    private static void patchImageCount(Path file, int from, int to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] dims = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(32).putInt(32).putInt(3)
                .putInt(from).array();
        for (int i = 0; i + dims.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + dims.length, dims, 0, dims.length)) {
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(i + 12, to);
                Files.write(file, bytes);
                return;
            }
        }
        throw new AssertionError("dimensions of X not found in " + file);
    }
}
