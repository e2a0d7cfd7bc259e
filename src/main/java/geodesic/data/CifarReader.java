package geodesic.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR-10 and CIFAR-100 "binary version" files into {@code [N, 3, 32, 32]} datasets.
 *
 * <p><b>Formats.</b> Each file is a plain sequence of fixed-size records with no header:
 * <ul>
 *   <li>CIFAR-10 ({@code data_batch_1.bin} ... {@code data_batch_5.bin}, {@code test_batch.bin}):
 *       {@code <1 byte label 0..9><3072 pixel bytes>};</li>
 *   <li>CIFAR-100 ({@code train.bin}, {@code test.bin}):
 *       {@code <1 byte coarse label 0..19><1 byte fine label 0..99><3072 pixel bytes>}; the
 *       {@link CifarLabel#FINE fine} label is used unless {@link CifarLabel#COARSE} is asked for.</li>
 * </ul>
 * The 3072 pixel bytes are the red, then green, then blue 32x32 planes, each row-major: already CHW, so a record's
 * pixels are copied in order and scaled to {@code byte / 255}.
 *
 * <p><b>Validation.</b> An empty file, a size that is not a whole number of records, and any label out of range
 * (both labels are checked for CIFAR-100) raise {@link DatasetFormatException} naming the file. The example count
 * comes from the file sizes, so nothing is allocated beyond what the files hold.
 *
 * <p>Stateless; runs on the calling thread. Files are read in the order given.
 */
public final class CifarReader {
    private static final int PIXELS = 3 * 32 * 32;

    private CifarReader() {
    }

    /**
     * Reads CIFAR-10 binary files into one 10-class dataset.
     *
     * @throws IllegalArgumentException if {@code files} is empty
     * @throws DatasetFormatException   if a file is malformed
     * @throws IOException              if reading fails
     */
    public static Dataset readCifar10(List<Path> files, String name) throws IOException {
        return read(files, name, 1, 0, 10, "CIFAR-10");
    }

    /**
     * Reads CIFAR-100 binary files into one dataset labelled by {@code label} (100 fine or 20 coarse classes).
     *
     * @throws IllegalArgumentException if {@code files} is empty
     * @throws DatasetFormatException   if a file is malformed
     * @throws IOException              if reading fails
     */
    public static Dataset readCifar100(List<Path> files, String name, CifarLabel label) throws IOException {
        int labelOffset = label == CifarLabel.COARSE ? 0 : 1;
        return read(files, name, 2, labelOffset, label.numClasses(), "CIFAR-100 (" + label.name().toLowerCase()
                + " labels)");
    }

    private static Dataset read(List<Path> files, String name, int labelBytes, int labelOffset, int numClasses,
            String format) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException(name + ": no " + format + " files given");
        }
        int recordSize = labelBytes + PIXELS;
        long total = 0;
        for (Path file : files) {
            long size = Files.size(file);
            if (size == 0) {
                throw new DatasetFormatException(file.toString(), "empty file (a " + format + " file holds "
                        + recordSize + "-byte records)");
            }
            if (size % recordSize != 0) {
                throw new DatasetFormatException(file.toString(), "truncated or not " + format + ": " + size
                        + " bytes is not a whole number of " + recordSize + "-byte records (" + size / recordSize
                        + " records and " + size % recordSize + " bytes left over)");
            }
            total += size / recordSize;
        }
        if (total * PIXELS > Payloads.MAX_ARRAY) {
            throw new DatasetFormatException(String.join(", ", files.stream().map(Path::toString).toList()),
                    total + " records exceed the " + Payloads.MAX_ARRAY + "-element array limit");
        }
        int n = (int) total;
        float[] pixels = new float[n * PIXELS];
        int[] labels = new int[n];
        byte[] record = new byte[recordSize];
        int next = 0;
        for (Path file : files) {
            int records = (int) (Files.size(file) / recordSize);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int r = 0; r < records; r++) {
                    if (Payloads.readUpTo(in, record) < recordSize) {
                        throw new DatasetFormatException(file.toString(), "truncated while reading record " + r
                                + " of " + records + " (the file shrank while being read)");
                    }
                    checkLabels(record, labelBytes, file, r, format);
                    labels[next] = record[labelOffset] & 0xff;
                    Payloads.toUnitFloats(record, labelBytes, pixels, next * PIXELS, PIXELS);
                    next++;
                }
            }
        }
        String source = format + " binary: " + String.join(", ", files.stream().map(Path::toString).toList());
        return Dataset.of(name, source, numClasses, 3, 32, 32, pixels, labels);
    }

    private static void checkLabels(byte[] record, int labelBytes, Path file, int index, String format)
            throws DatasetFormatException {
        if (labelBytes == 1) {
            checkLabel(record[0] & 0xff, 10, "label", file, index, format);
        } else {
            checkLabel(record[0] & 0xff, CifarLabel.COARSE.numClasses(), "coarse label", file, index, format);
            checkLabel(record[1] & 0xff, CifarLabel.FINE.numClasses(), "fine label", file, index, format);
        }
    }

    private static void checkLabel(int value, int numClasses, String what, Path file, int index, String format)
            throws DatasetFormatException {
        if (value >= numClasses) {
            throw new DatasetFormatException(file.toString(), what + " " + value + " of record " + index
                    + " is outside [0, " + numClasses + "); not a " + format + " file?");
        }
    }
}
