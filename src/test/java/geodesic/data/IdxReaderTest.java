package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "7, 3, 5", "8, 28, 28", "33, 9, 31", "129, 2, 7"})
    void rawAndGzippedFilesGivePixelsOverTwoHundredFiftyFiveAndLabels(int count, int rows, int cols)
            throws IOException {
        byte[] pixels = IdxFiles.randomBytes(count * rows * cols, 11L * count + rows);
        byte[] labels = IdxFiles.randomLabels(count, 10, 3L * count + cols);
        Path rawImages = write("raw-images", IdxFiles.images(count, rows, cols, pixels));
        Path rawLabels = write("raw-labels", IdxFiles.labels(labels));
        Path gzImages = write("gz-images", IdxFiles.gzip(IdxFiles.images(count, rows, cols, pixels)));
        Path gzLabels = write("gz-labels", IdxFiles.gzip(IdxFiles.labels(labels)));

        for (Dataset d : new Dataset[] {IdxReader.read(rawImages, rawLabels, "raw", 10),
                IdxReader.read(gzImages, gzLabels, "gz", 10)}) {
            assertEquals(count, d.size());
            assertEquals(1, d.channels());
            assertEquals(rows, d.height());
            assertEquals(cols, d.width());
            assertEquals(10, d.numClasses());
            double maxError = 0;
            for (int i = 0; i < pixels.length; i++) {
                double reference = (pixels[i] & 0xff) / 255.0;
                maxError = Math.max(maxError, Math.abs(d.pixels()[i] - reference));
            }
            assertTrue(maxError <= 6e-8, "max abs error vs float64 byte/255 was " + maxError + " in " + d.name());
            for (int i = 0; i < count; i++) {
                assertEquals(labels[i] & 0xff, d.label(i), "label " + i + " of " + d.name());
            }
        }
    }

    @Test
    void compressionIsDetectedFromMagicBytesNotFileName() throws IOException {
        byte[] pixels = IdxFiles.randomBytes(4 * 6 * 5, 5);
        byte[] labels = IdxFiles.randomLabels(4, 10, 6);
        Path gzNamedRaw = write("images.gz", IdxFiles.images(4, 6, 5, pixels));
        Path rawNamedGz = write("labels-idx1-ubyte", IdxFiles.gzip(IdxFiles.labels(labels)));

        Dataset d = IdxReader.read(gzNamedRaw, rawNamedGz, "mixed", 10);

        assertEquals(4, d.size());
        assertEquals((pixels[17] & 0xff) / 255f, d.pixels()[17]);
        assertEquals(labels[3], d.label(3));
    }

    @Test
    void streamOfUnknownLengthReadsTheSameAsAFile() throws IOException {
        byte[] pixels = IdxFiles.randomBytes(31 * 4 * 4, 9);
        byte[] idx = IdxFiles.gzip(IdxFiles.images(31, 4, 4, pixels));

        IdxReader.Images images = IdxReader.readImages(new ByteArrayInputStream(idx), "stream", -1);

        assertEquals(31, images.count());
        assertArrayEquals(pixels, images.pixels());
    }

    @Test
    void datasetRecordsNameSourceAndShape() throws IOException {
        Path images = write("i", IdxFiles.images(2, 3, 3, new byte[18]));
        Path labels = write("l", IdxFiles.labels(new byte[] {9, 0}));

        Dataset d = IdxReader.read(images, labels, "tiny", "somewhere", 10);

        assertEquals("tiny", d.name());
        assertEquals("somewhere", d.source());
        assertArrayEquals(new int[] {2, 1, 3, 3}, d.images().shape());
        assertTrue(d.describe().contains("tiny: 2 examples of [1, 3, 3], 10 classes, from somewhere"), d.describe());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
