package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CifarReaderTest {
    private static final int PIXELS = 3072;

    @TempDir
    Path dir;

    /** Records {@code <label bytes><1024 red><1024 green><1024 blue>}, labels drawn below the given bounds. */
    private static byte[] records(int n, long seed, int... labelBounds) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = labelBounds.length + PIXELS;
        byte[] out = new byte[n * size];
        random.nextBytes(out);
        for (int r = 0; r < n; r++) {
            for (int l = 0; l < labelBounds.length; l++) {
                out[r * size + l] = (byte) random.nextInt(labelBounds[l]);
            }
        }
        return out;
    }

    @Test
    void cifar10RecordsBecomeChwPixelsAndLabelsAcrossFiles() throws IOException {
        byte[] first = records(7, 1, 10);
        byte[] second = records(9, 2, 10);
        Path a = Files.write(dir.resolve("data_batch_1.bin"), first);
        Path b = Files.write(dir.resolve("data_batch_2.bin"), second);

        Dataset d = CifarReader.readCifar10(List.of(a, b), "CIFAR-10 train");

        assertEquals(16, d.size());
        assertEquals(10, d.numClasses());
        assertEquals(List.of(3, 32, 32), List.of(d.channels(), d.height(), d.width()));
        double maxError = 0;
        for (int n = 0; n < 16; n++) {
            byte[] file = n < 7 ? first : second;
            int record = (n < 7 ? n : n - 7) * (1 + PIXELS);
            assertEquals(file[record] & 0xff, d.label(n), "label of example " + n);
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 32; r++) {
                    for (int col = 0; col < 32; col++) {
                        double reference = (file[record + 1 + c * 1024 + r * 32 + col] & 0xff) / 255.0;
                        float actual = d.images().get(n, c, r, col);
                        maxError = Math.max(maxError, Math.abs(actual - reference));
                    }
                }
            }
        }
        assertTrue(maxError <= 6e-8, "max abs error vs float64 byte/255 was " + maxError);
        assertTrue(d.source().contains(a.toString()) && d.source().contains(b.toString()), d.source());
    }

    @Test
    void cifar100UsesFineLabelsByDefaultAndCoarseOnRequest() throws IOException {
        byte[] bytes = records(33, 3, 20, 100);
        Path file = Files.write(dir.resolve("train.bin"), bytes);

        Dataset fine = CifarReader.readCifar100(List.of(file), "fine", CifarLabel.FINE);
        Dataset coarse = CifarReader.readCifar100(List.of(file), "coarse", CifarLabel.COARSE);

        assertEquals(100, fine.numClasses());
        assertEquals(20, coarse.numClasses());
        for (int n = 0; n < 33; n++) {
            int record = n * (2 + PIXELS);
            assertEquals(bytes[record] & 0xff, coarse.label(n), "coarse label of " + n);
            assertEquals(bytes[record + 1] & 0xff, fine.label(n), "fine label of " + n);
        }
        assertTrue(Arrays.equals(fine.pixels(), coarse.pixels()));
        assertEquals((bytes[2 + 5] & 0xff) / 255f, fine.pixels()[5]);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {1, 100, 3072, 3074, 2 * 3073 - 1, 2 * 3073 + 1})
    void truncatedOrPaddedFileIsRejectedNamingFileAndRecordSize(int length) throws IOException {
        Path file = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(records(3, 4, 10), length));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar10(List.of(file), "cut"));

        assertTrue(e.getMessage().startsWith(file + ": truncated or not CIFAR-10: " + length
                + " bytes is not a whole number of 3073-byte records"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("empty.bin"), new byte[0]);

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar100(List.of(file), "empty", CifarLabel.FINE));

        assertTrue(e.getMessage().startsWith(file + ": empty file"), e.getMessage());
    }

    @Test
    void cifar10FileReadAsCifar100IsRejectedBySize() throws IOException {
        Path file = Files.write(dir.resolve("data_batch_1.bin"), records(5, 5, 10));

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar100(List.of(file), "wrong", CifarLabel.FINE));

        assertTrue(e.getMessage().contains("not a whole number of 3074-byte records"), e.getMessage());
    }

    @Test
    void labelsOutOfRangeAreRejectedWithTheRecord() throws IOException {
        byte[] c10 = records(4, 6, 10);
        c10[2 * 3073] = 10;
        byte[] c100 = records(4, 7, 20, 100);
        c100[3 * 3074 + 1] = 100;
        byte[] c100coarse = records(4, 8, 20, 100);
        c100coarse[0] = 20;
        Path p10 = Files.write(dir.resolve("c10.bin"), c10);
        Path p100 = Files.write(dir.resolve("c100.bin"), c100);
        Path p100coarse = Files.write(dir.resolve("c100coarse.bin"), c100coarse);

        String m10 = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar10(List.of(p10), "x")).getMessage();
        String m100 = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar100(List.of(p100), "x", CifarLabel.COARSE)).getMessage();
        String mCoarse = assertThrows(DatasetFormatException.class,
                () -> CifarReader.readCifar100(List.of(p100coarse), "x", CifarLabel.FINE)).getMessage();

        assertTrue(m10.startsWith(p10 + ": label 10 of record 2 is outside [0, 10)"), m10);
        assertTrue(m100.startsWith(p100 + ": fine label 100 of record 3 is outside [0, 100)"), m100);
        assertTrue(mCoarse.startsWith(p100coarse + ": coarse label 20 of record 0 is outside [0, 20)"), mCoarse);
    }

    @Test
    void noFilesIsAnArgumentError() {
        assertThrows(IllegalArgumentException.class, () -> CifarReader.readCifar10(List.of(), "none"));
    }
}
