package geodesic.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regenerates the embedded Fashion-MNIST subset in {@code src/main/resources/geodesic/data/fashion-mnist-subset/}:
 * the first {@value FashionMnistLocator#EMBEDDED_TRAIN} training and first {@value FashionMnistLocator#EMBEDDED_TEST}
 * test examples of the official files, bytes unchanged, rewritten as gzip IDX files (Java's gzip writer stores no
 * timestamp, so the output is reproducible).
 *
 * <p>Run from the repository root after {@code ./mvnw -q test-compile}:
 * <pre>{@code
 * java -cp target/classes:target/test-classes geodesic.data.EmbeddedSubsetTool \
 *     /usr/share/datasets/fashion-mnist src/main/resources/geodesic/data/fashion-mnist-subset
 * }</pre>
 * {@code EmbeddedSubsetTest} checks that the shipped files equal what this tool produces from the real data.
 */
public final class EmbeddedSubsetTool {
    private EmbeddedSubsetTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: EmbeddedSubsetTool SOURCE_DIR TARGET_DIR");
        }
        Path source = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Files.createDirectories(target);
        for (var pair : subsetFiles(source).entrySet()) {
            Files.write(target.resolve(pair.getKey()), pair.getValue());
        }
    }

    /** File name to gzip bytes of the subset built from the official files in {@code source}. */
    static Map<String, byte[]> subsetFiles(Path source) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        addPair(files, source, "train", FashionMnistLocator.EMBEDDED_TRAIN);
        addPair(files, source, "t10k", FashionMnistLocator.EMBEDDED_TEST);
        return files;
    }

    private static void addPair(Map<String, byte[]> files, Path source, String prefix, int count)
            throws IOException {
        String imagesName = prefix + "-images-idx3-ubyte.gz";
        String labelsName = prefix + "-labels-idx1-ubyte.gz";
        IdxReader.Images images;
        byte[] labels;
        try (InputStream in = Files.newInputStream(source.resolve(imagesName))) {
            images = IdxReader.readImages(in, imagesName, -1);
        }
        try (InputStream in = Files.newInputStream(source.resolve(labelsName))) {
            labels = IdxReader.readLabels(in, labelsName, -1);
        }
        int pixels = count * images.rows() * images.cols();
        files.put(imagesName, IdxFiles.gzip(IdxFiles.images(count, images.rows(), images.cols(),
                Arrays.copyOf(images.pixels(), pixels))));
        files.put(labelsName, IdxFiles.gzip(IdxFiles.labels(Arrays.copyOf(labels, count))));
    }
}
