package geodesic.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sink;
import us.hebi.matlab.mat.types.Sinks;

/**
 * Writes the valid seed files of the dataset-reader fuzz corpus, small files in the documented formats:
 * {@code java ... geodesic.data.FuzzCorpusTool src/test/resources/fuzz}. Deterministic; rerun only to change the
 * seeds.
 */
final class FuzzCorpusTool {
    private FuzzCorpusTool() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        byte[] pixels = IdxFiles.randomBytes(3 * 5 * 4, 1);
        byte[] images = IdxFiles.images(3, 5, 4, pixels);
        byte[] labels = IdxFiles.labels(new byte[] {1, 9, 0});
        write(root.resolve("idx-images/seed-raw.idx3"), images);
        write(root.resolve("idx-images/seed-gzip.idx3.gz"), IdxFiles.gzip(images));
        write(root.resolve("idx-labels/seed-raw.idx1"), labels);
        write(root.resolve("idx-labels/seed-gzip.idx1.gz"), IdxFiles.gzip(labels));
        write(root.resolve("cifar-10/seed.bin"), cifar(2, 1, 1));
        write(root.resolve("cifar-100/seed.bin"), cifar(2, 2, 2));
        svhn(root.resolve("svhn/seed-compressed.mat"), 1, true);
        svhn(root.resolve("svhn/seed-plain.mat"), 2, false);
    }

    private static void write(Path p, byte[] content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    /** {@code n} records with valid labels (0..9, or coarse 0..19 and fine 0..99) and random pixels. */
    private static byte[] cifar(int n, int labelBytes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int record = labelBytes + 3072;
        byte[] b = new byte[n * record];
        r.nextBytes(b);
        for (int i = 0; i < n; i++) {
            b[i * record] = (byte) r.nextInt(labelBytes == 1 ? 10 : 20);
            if (labelBytes == 2) {
                b[i * record + 1] = (byte) r.nextInt(100);
            }
        }
        return b;
    }

    /** An SVHN format-2 MAT v5 file: uint8 X [32, 32, 3, n] and double y [n, 1] in 1..10. */
    private static void svhn(Path p, int n, boolean compressed) throws IOException {
        Files.createDirectories(p.getParent());
        SplittableRandom r = new SplittableRandom(n);
        Matrix x = Mat5.newMatrix(new int[] {32, 32, 3, n}, MatlabType.UInt8);
        for (int i = 0; i < n * 3072; i++) {
            x.setByte(i, (byte) r.nextInt(256));
        }
        Matrix y = Mat5.newMatrix(new int[] {n, 1}, MatlabType.Double);
        for (int i = 0; i < n; i++) {
            y.setDouble(i, 1 + r.nextInt(10));
        }
        MatFile mat = Mat5.newMatFile().addArray("X", x).addArray("y", y);
        try (Sink sink = Sinks.newStreamingFile(p.toFile())) {
            Mat5.newWriter(sink).setDeflateLevel(compressed ? Deflater.BEST_COMPRESSION : Deflater.NO_COMPRESSION)
                    .writeMat(mat);
        }
    }
}
