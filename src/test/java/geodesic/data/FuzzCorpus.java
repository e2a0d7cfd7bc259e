package geodesic.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reader fuzz corpus kept in the repository under {@code src/test/resources/fuzz/<format>/}: valid seed files
 * written by {@link FuzzCorpusTool} (and the checkpoint tool), plus inputs that once broke a reader. Shared by the
 * reader tests of every package.
 */
public final class FuzzCorpus {
    private FuzzCorpus() {
    }

    /**
     * The corpus files of {@code format} (e.g. {@code "idx-images"}), sorted by name.
     *
     * @throws IllegalStateException if the corpus directory is missing or empty
     */
    public static List<Path> files(String format) {
        URL url = FuzzCorpus.class.getClassLoader().getResource("fuzz/" + format);
        if (url == null) {
            throw new IllegalStateException("no fuzz corpus fuzz/" + format + " on the test classpath");
        }
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("fuzz corpus fuzz/" + format + " is empty");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of every corpus file of {@code format}. */
    public static List<byte[]> contents(String format) {
        return files(format).stream().map(p -> {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
