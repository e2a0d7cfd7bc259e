package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistLocatorTest {
    private static final String[] NAMES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    @TempDir
    Path root;

    /** Writes a tiny Fashion-MNIST-shaped copy (train {@code trainCount}, test 5 images of 4x4) into {@code dir}. */
    private static Path fakeCopy(Path dir, int trainCount, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        byte[][] contents = {
                IdxFiles.images(trainCount, 4, 4, IdxFiles.randomBytes(trainCount * 16, trainCount)),
                IdxFiles.labels(IdxFiles.randomLabels(trainCount, 10, trainCount + 1)),
                IdxFiles.images(5, 4, 4, IdxFiles.randomBytes(5 * 16, 3)),
                IdxFiles.labels(IdxFiles.randomLabels(5, 10, 4))};
        for (int i = 0; i < NAMES.length; i++) {
            Files.write(dir.resolve(gzip ? NAMES[i] + ".gz" : NAMES[i]), gzip ? IdxFiles.gzip(contents[i])
                    : contents[i]);
        }
        return dir;
    }

    /** A locator that sees only what each test sets up under the temporary root. */
    private FashionMnistLocator isolated() {
        return FashionMnistLocator.defaults()
                .withEnvironment(name -> null)
                .withSystemDirectory(root.resolve("system"))
                .withCacheDirectory(root.resolve("cache"))
                .withoutDownload()
                .withoutEmbeddedSubset();
    }

    @Test
    void explicitDirectoryWinsOverEnvironmentAndSystem() throws IOException {
        Path explicit = fakeCopy(root.resolve("explicit"), 12, true);
        Path env = fakeCopy(root.resolve("env"), 13, true);
        fakeCopy(root.resolve("system"), 14, true);

        FashionMnistData data = isolated().withExplicitDirectory(explicit)
                .withEnvironment(Map.of(FashionMnistLocator.ENVIRONMENT_VARIABLE, env.toString())::get).locate();

        assertEquals(DataOrigin.EXPLICIT_DIRECTORY, data.origin());
        assertEquals(12, data.train().size());
        assertEquals(5, data.test().size());
        assertEquals(explicit.toString(), data.location());
        assertTrue(data.describe().equals("Fashion-MNIST from " + explicit
                + " (directory given explicitly): 12 train, 5 test images"), data.describe());
    }

    @Test
    void environmentDirectoryWithAFashionMnistSubdirectoryIsUsedNext() throws IOException {
        Path env = root.resolve("env");
        fakeCopy(env.resolve("fashion-mnist"), 13, false);
        fakeCopy(root.resolve("system"), 14, true);

        FashionMnistData data = isolated()
                .withEnvironment(Map.of(FashionMnistLocator.ENVIRONMENT_VARIABLE, env.toString())::get).locate();

        assertEquals(DataOrigin.ENVIRONMENT_VARIABLE, data.origin());
        assertEquals(13, data.train().size());
        assertEquals(env.resolve("fashion-mnist").toString(), data.location());
        assertEquals(List.of("no explicit data directory"), data.skipped());
    }

    @Test
    void systemDirectoryIsUsedWhenNothingIsConfigured() throws IOException {
        fakeCopy(root.resolve("system"), 14, true);

        FashionMnistData data = isolated().locate();

        assertEquals(DataOrigin.SYSTEM_PACKAGE, data.origin());
        assertEquals(14, data.train().size());
        assertTrue(data.train().source().contains("system package dataset-fashion-mnist"), data.train().source());
    }

    @Test
    void explicitOrEnvironmentDirectoryWithoutTheFilesFailsWithHowToGetThem() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        fakeCopy(root.resolve("system"), 14, true);

        DatasetUnavailableException explicit = assertThrows(DatasetUnavailableException.class,
                () -> isolated().withExplicitDirectory(empty).locate());
        DatasetUnavailableException env = assertThrows(DatasetUnavailableException.class, () -> isolated()
                .withEnvironment(Map.of(FashionMnistLocator.ENVIRONMENT_VARIABLE, "/no/such/dir")::get).locate());

        assertTrue(explicit.getMessage().startsWith("data directory " + empty + " does not hold train-images-idx3"
                + "-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"),
                explicit.getMessage());
        assertTrue(explicit.getMessage().contains("apt-get install dataset-fashion-mnist"), explicit.getMessage());
        assertTrue(env.getMessage().startsWith("GEODESIC_DATA=/no/such/dir is not a directory holding"),
                env.getMessage());
    }

    @Test
    void malformedFileInTheSystemDirectoryIsAnErrorNotAFallback() throws IOException {
        Path system = fakeCopy(root.resolve("system"), 14, true);
        Files.write(system.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3});

        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> isolated().withDownload((url, digest, target) -> {
                    throw new AssertionError("must not download");
                }, URI.create("http://127.0.0.1:9/")).locate());

        assertTrue(e.getMessage().startsWith(system.resolve("t10k-labels-idx1-ubyte.gz") + ": "), e.getMessage());
    }

    @Test
    void downloadFillsTheCacheWithOfficialNamesAndDigestsThenTheCacheIsReused() throws IOException {
        Path source = fakeCopy(root.resolve("mirror"), 15, true);
        List<String> requests = new ArrayList<>();
        Downloader copying = (url, digest, target) -> {
            requests.add(url + " " + digest);
            Files.copy(source.resolve(Path.of(url.getPath()).getFileName().toString()), target);
        };
        FashionMnistLocator locator = isolated().withDownload(copying, URI.create("http://mirror.test/fmnist"));

        FashionMnistData first = locator.locate();
        FashionMnistData second = locator.locate();

        assertEquals(DataOrigin.DOWNLOADED, first.origin());
        assertEquals(DataOrigin.DOWNLOAD_CACHE, second.origin());
        assertEquals(15, second.train().size());
        assertEquals(List.of(
                "http://mirror.test/fmnist/train-images-idx3-ubyte.gz MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "http://mirror.test/fmnist/train-labels-idx1-ubyte.gz MD5 25c81989df183df01b3e8a0aad5dffbe",
                "http://mirror.test/fmnist/t10k-images-idx3-ubyte.gz MD5 bef4ecab320f06d8554ea6380940ec79",
                "http://mirror.test/fmnist/t10k-labels-idx1-ubyte.gz MD5 bb300cfdad3c16e7a12a480ee83cd310"), requests);
    }

    @Test
    void downloadThatFailsVerificationFallsBackToTheEmbeddedSubsetLeavingNoFiles() throws IOException {
        try (LocalHttpServer server = new LocalHttpServer()) {
            for (String name : NAMES) {
                server.serve("/fmnist/" + name + ".gz", IdxFiles.gzip(new byte[] {1, 2, 3}));
            }
            FashionMnistLocator locator = FashionMnistLocator.defaults()
                    .withEnvironment(name -> null)
                    .withSystemDirectory(root.resolve("system"))
                    .withCacheDirectory(root.resolve("cache"))
                    .withDownload(new HttpDownloader(Duration.ofSeconds(10), 1 << 20),
                            server.uri("fmnist/"));

            FashionMnistData data = locator.locate();

            assertEquals(DataOrigin.EMBEDDED_SUBSET, data.origin());
            assertEquals(FashionMnistLocator.EMBEDDED_TRAIN, data.train().size());
            String note = data.skipped().get(data.skipped().size() - 1);
            assertTrue(note.startsWith("download from " + server.uri("fmnist/") + " failed: ")
                    && note.contains("checksum mismatch: expected MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d"), note);
            try (Stream<Path> left = Files.list(root.resolve("cache"))) {
                assertEquals(List.of(), left.toList());
            }
        }
    }

    @Test
    void unreachableDownloadFallsBackAndSaysWhy() throws IOException {
        try (LocalHttpServer server = new LocalHttpServer()) {
            FashionMnistData data = FashionMnistLocator.defaults()
                    .withEnvironment(name -> null)
                    .withSystemDirectory(root.resolve("system"))
                    .withCacheDirectory(root.resolve("cache"))
                    .withDownload(new HttpDownloader(Duration.ofSeconds(10), 1 << 20), server.uri(""))
                    .locate();

            assertEquals(DataOrigin.EMBEDDED_SUBSET, data.origin());
            assertTrue(data.skipped().get(data.skipped().size() - 1).contains("HTTP 404"), data.skipped().toString());
        }
    }

    @Test
    void nothingAvailableFailsSayingHowToGetTheData() {
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class, () -> isolated().locate());

        String m = e.getMessage();
        assertTrue(m.startsWith("no Fashion-MNIST data found (no explicit data directory; GEODESIC_DATA not set; "),
                m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist") && m.contains("--data DIR"), m);
    }
}
