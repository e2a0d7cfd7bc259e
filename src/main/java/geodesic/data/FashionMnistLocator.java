package geodesic.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; the TSO-ALRA paper's dataset) and reads it, searching in this
 * order and stopping at the first that applies:
 * <ol>
 *   <li>an explicit directory ({@link #withExplicitDirectory}, the command line's {@code --data DIR});</li>
 *   <li>the directory in the environment variable {@value #ENVIRONMENT_VARIABLE};</li>
 *   <li>{@code /usr/share/datasets/fashion-mnist}, where Debian's {@code dataset-fashion-mnist} package installs
 *       the official files;</li>
 *   <li>the cache directory, holding files an earlier download verified;</li>
 *   <li>a download of the official files from the base URL into the cache directory, each verified against the MD5
 *       published in the official repository's README;</li>
 *   <li>the subset embedded in the library: the first {@value #EMBEDDED_TRAIN} training and first
 *       {@value #EMBEDDED_TEST} test images of the official files, unchanged (MIT licence, Copyright (c) 2017
 *       Zalando SE; the notice is in the resource directory).</li>
 * </ol>
 * The result says which was used ({@link FashionMnistData#describe()}) and why earlier places were passed over.
 *
 * <p><b>Directory layout.</b> A directory holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each raw or with {@code .gz} (contents are
 * recognised by their magic bytes), either directly or in a {@code fashion-mnist} subdirectory. An explicit or
 * environment directory that lacks them is an error rather than a reason to fall back, since the caller asked for
 * it; a malformed file anywhere is an error too.
 *
 * <p><b>Threading.</b> Immutable; {@link #locate()} runs on the calling thread, including any download.
 */
public final class FashionMnistLocator {
    /** Environment variable naming a data directory. */
    public static final String ENVIRONMENT_VARIABLE = "GEODESIC_DATA";
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** The official download location, as given in the Fashion-MNIST README. */
    public static final URI OFFICIAL_BASE_URL =
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");
    /** Training images in the embedded subset. */
    public static final int EMBEDDED_TRAIN = 6000;
    /** Test images in the embedded subset. */
    public static final int EMBEDDED_TEST = 1000;
    /** Classpath directory of the embedded subset and its licence notice. */
    static final String EMBEDDED_RESOURCES = "/geodesic/data/fashion-mnist-subset/";

    private static final int CLASSES = 10;
    private static final String SUBDIRECTORY = "fashion-mnist";

    /** The four files, with the MD5 of each official {@code .gz} as listed in the official README. */
    enum File {
        TRAIN_IMAGES("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        TRAIN_LABELS("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe"),
        TEST_IMAGES("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79"),
        TEST_LABELS("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310");

        final String baseName;
        final ExpectedDigest officialGzipMd5;

        File(String baseName, String md5) {
            this.baseName = baseName;
            this.officialGzipMd5 = ExpectedDigest.md5(md5);
        }

        String gzipName() {
            return baseName + ".gz";
        }
    }

    private final Path explicitDirectory;
    private final Function<String, String> environment;
    private final Path systemDirectory;
    private final Path cacheDirectory;
    private final Downloader downloader;
    private final URI baseUrl;
    private final boolean embeddedAllowed;

    private FashionMnistLocator(Path explicitDirectory, Function<String, String> environment, Path systemDirectory,
            Path cacheDirectory, Downloader downloader, URI baseUrl, boolean embeddedAllowed) {
        this.explicitDirectory = explicitDirectory;
        this.environment = environment;
        this.systemDirectory = systemDirectory;
        this.cacheDirectory = cacheDirectory;
        this.downloader = downloader;
        this.baseUrl = baseUrl;
        this.embeddedAllowed = embeddedAllowed;
    }

    /**
     * The standard search: no explicit directory, the process environment, {@link #SYSTEM_DIRECTORY}, the cache
     * directory {@code $XDG_CACHE_HOME/geodesic/fashion-mnist} (else {@code ~/.cache/geodesic/fashion-mnist}),
     * downloads from {@link #OFFICIAL_BASE_URL} with a 20-second timeout, and the embedded subset.
     */
    public static FashionMnistLocator defaults() {
        Function<String, String> env = System::getenv;
        return new FashionMnistLocator(null, env, SYSTEM_DIRECTORY, defaultCacheDirectory(env),
                new HttpDownloader(Duration.ofSeconds(20), 64L << 20), OFFICIAL_BASE_URL, true);
    }

    private static Path defaultCacheDirectory(Function<String, String> env) {
        String xdg = env.apply("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("geodesic").resolve(SUBDIRECTORY);
    }

    /** Search {@code directory} first, and fail rather than fall back if it lacks the files; {@code null} clears it. */
    public FashionMnistLocator withExplicitDirectory(Path directory) {
        return new FashionMnistLocator(directory, environment, systemDirectory, cacheDirectory, downloader, baseUrl,
                embeddedAllowed);
    }

    /** Read environment variables through {@code env} (returns {@code null} for unset) instead of the process's. */
    public FashionMnistLocator withEnvironment(Function<String, String> env) {
        return new FashionMnistLocator(explicitDirectory, Objects.requireNonNull(env), systemDirectory,
                cacheDirectory, downloader, baseUrl, embeddedAllowed);
    }

    /** Search {@code directory} instead of {@link #SYSTEM_DIRECTORY}. */
    public FashionMnistLocator withSystemDirectory(Path directory) {
        return new FashionMnistLocator(explicitDirectory, environment, Objects.requireNonNull(directory),
                cacheDirectory, downloader, baseUrl, embeddedAllowed);
    }

    /** Cache downloads in {@code directory}. */
    public FashionMnistLocator withCacheDirectory(Path directory) {
        return new FashionMnistLocator(explicitDirectory, environment, systemDirectory,
                Objects.requireNonNull(directory), downloader, baseUrl, embeddedAllowed);
    }

    /**
     * Download with {@code downloader} from {@code baseUrl} followed by each file name
     * ({@code train-images-idx3-ubyte.gz} ...); a missing trailing '/' is added.
     */
    public FashionMnistLocator withDownload(Downloader downloader, URI baseUrl) {
        URI base = baseUrl.toString().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
        return new FashionMnistLocator(explicitDirectory, environment, systemDirectory, cacheDirectory,
                Objects.requireNonNull(downloader), base, embeddedAllowed);
    }

    /** Never download. */
    public FashionMnistLocator withoutDownload() {
        return new FashionMnistLocator(explicitDirectory, environment, systemDirectory, cacheDirectory, null, baseUrl,
                embeddedAllowed);
    }

    /** Never fall back to the embedded subset. */
    public FashionMnistLocator withoutEmbeddedSubset() {
        return new FashionMnistLocator(explicitDirectory, environment, systemDirectory, cacheDirectory, downloader,
                baseUrl, false);
    }

    /**
     * Searches the places in order and reads the first complete copy.
     *
     * @throws DatasetUnavailableException if an explicit or environment directory lacks the files, or no place has
     *                                     them; the message says how to get them
     * @throws DatasetFormatException      if the files found are malformed
     * @throws IOException                 if reading fails
     */
    public FashionMnistData locate() throws IOException {
        List<String> skipped = new ArrayList<>();
        if (explicitDirectory != null) {
            return readRequired(explicitDirectory, "data directory " + explicitDirectory,
                    DataOrigin.EXPLICIT_DIRECTORY, skipped);
        }
        skipped.add("no explicit data directory");
        String env = environment.apply(ENVIRONMENT_VARIABLE);
        if (env != null && !env.isBlank()) {
            return readRequired(Path.of(env), ENVIRONMENT_VARIABLE + "=" + env, DataOrigin.ENVIRONMENT_VARIABLE,
                    skipped);
        }
        skipped.add(ENVIRONMENT_VARIABLE + " not set");
        Path[] system = findFiles(systemDirectory);
        if (system != null) {
            return read(system, systemDirectory.toString(), DataOrigin.SYSTEM_PACKAGE, skipped);
        }
        skipped.add(systemDirectory + " has no Fashion-MNIST files (apt-get install dataset-fashion-mnist)");
        Path[] cached = findFiles(cacheDirectory);
        if (cached != null) {
            return read(cached, cacheDirectory.toString(), DataOrigin.DOWNLOAD_CACHE, skipped);
        }
        skipped.add("cache " + cacheDirectory + " is incomplete");
        if (downloader != null) {
            try {
                return read(download(), cacheDirectory.toString(), DataOrigin.DOWNLOADED, skipped);
            } catch (IOException e) {
                skipped.add("download from " + baseUrl + " failed: " + reason(e));
            }
        } else {
            skipped.add("downloading disabled");
        }
        if (embeddedAllowed) {
            FashionMnistData embedded = readEmbedded(skipped);
            if (embedded != null) {
                return embedded;
            }
            skipped.add("embedded subset missing from the classpath");
        } else {
            skipped.add("embedded subset disabled");
        }
        throw new DatasetUnavailableException("no Fashion-MNIST data found (" + String.join("; ", skipped)
                + "). Install it with 'apt-get install dataset-fashion-mnist', or pass --data DIR (or set "
                + ENVIRONMENT_VARIABLE + "=DIR) with DIR holding " + fileList());
    }

    private FashionMnistData readRequired(Path directory, String what, DataOrigin origin, List<String> skipped)
            throws IOException {
        Path[] files = findFiles(directory);
        if (files == null) {
            String state = Files.isDirectory(directory) ? "does not hold" : "is not a directory holding";
            throw new DatasetUnavailableException(what + " " + state + " " + fileList()
                    + " (directly or in a fashion-mnist subdirectory); 'apt-get install dataset-fashion-mnist' "
                    + "installs them in " + SYSTEM_DIRECTORY);
        }
        return read(files, files[0].getParent().toString(), origin, skipped);
    }

    private static String fileList() {
        List<String> names = new ArrayList<>();
        for (File f : File.values()) {
            names.add(f.gzipName());
        }
        return String.join(", ", names) + " (or the same names without .gz)";
    }

    /** The four files in {@code directory} or its {@code fashion-mnist} subdirectory, or {@code null}. */
    private static Path[] findFiles(Path directory) {
        for (Path dir : List.of(directory, directory.resolve(SUBDIRECTORY))) {
            Path[] found = new Path[File.values().length];
            boolean complete = true;
            for (File f : File.values()) {
                Path gz = dir.resolve(f.gzipName());
                Path raw = dir.resolve(f.baseName);
                found[f.ordinal()] = Files.isRegularFile(gz) ? gz : Files.isRegularFile(raw) ? raw : null;
                complete &= found[f.ordinal()] != null;
            }
            if (complete) {
                return found;
            }
        }
        return null;
    }

    /** The message, prefixed with the exception type where the message alone would not say what happened. */
    private static String reason(IOException e) {
        boolean selfExplaining = e.getClass() == IOException.class || e instanceof DatasetFormatException;
        return selfExplaining ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private Path[] download() throws IOException {
        Files.createDirectories(cacheDirectory);
        Path[] files = new Path[File.values().length];
        for (File f : File.values()) {
            Path target = cacheDirectory.resolve(f.gzipName());
            if (!Files.isRegularFile(target)) {
                downloader.download(baseUrl.resolve(f.gzipName()), f.officialGzipMd5, target);
            }
            files[f.ordinal()] = target;
        }
        return files;
    }

    private static FashionMnistData read(Path[] files, String location, DataOrigin origin, List<String> skipped)
            throws IOException {
        String source = location + " (" + origin.description() + ")";
        Dataset train = IdxReader.read(files[File.TRAIN_IMAGES.ordinal()], files[File.TRAIN_LABELS.ordinal()],
                "Fashion-MNIST train", source, CLASSES);
        Dataset test = IdxReader.read(files[File.TEST_IMAGES.ordinal()], files[File.TEST_LABELS.ordinal()],
                "Fashion-MNIST test", source, CLASSES);
        return new FashionMnistData(train, test, origin, location, skipped);
    }

    /**
     * The embedded subset alone, whatever else is installed (for quick runs and tests of the fallback).
     *
     * @throws DatasetUnavailableException if its resources are not on the classpath
     * @throws IOException                 if they are unreadable
     */
    public static FashionMnistData embeddedSubset() throws IOException {
        FashionMnistData d = readEmbedded(new ArrayList<>());
        if (d == null) {
            throw new DatasetUnavailableException("the embedded Fashion-MNIST subset is missing from the classpath ("
                    + EMBEDDED_RESOURCES + ")");
        }
        return d;
    }

    /** The embedded subset, or {@code null} if its resources are not on the classpath. */
    private static FashionMnistData readEmbedded(List<String> skipped) throws IOException {
        String location = "classpath:" + EMBEDDED_RESOURCES;
        String source = location + " (" + DataOrigin.EMBEDDED_SUBSET.description() + ": first " + EMBEDDED_TRAIN
                + " train and " + EMBEDDED_TEST + " test images of Fashion-MNIST, (c) 2017 Zalando SE, MIT licence)";
        IdxReader.Images[] images = new IdxReader.Images[2];
        byte[][] labels = new byte[2][];
        File[][] pairs = {{File.TRAIN_IMAGES, File.TRAIN_LABELS}, {File.TEST_IMAGES, File.TEST_LABELS}};
        for (int i = 0; i < 2; i++) {
            String imagesName = EMBEDDED_RESOURCES + pairs[i][0].gzipName();
            String labelsName = EMBEDDED_RESOURCES + pairs[i][1].gzipName();
            try (InputStream im = FashionMnistLocator.class.getResourceAsStream(imagesName);
                    InputStream lab = FashionMnistLocator.class.getResourceAsStream(labelsName)) {
                if (im == null || lab == null) {
                    return null;
                }
                images[i] = IdxReader.readImages(im, "classpath:" + imagesName, -1);
                labels[i] = IdxReader.readLabels(lab, "classpath:" + labelsName, -1);
            }
        }
        Dataset train = IdxReader.toDataset(images[0], EMBEDDED_RESOURCES + pairs[0][0].gzipName(), labels[0],
                EMBEDDED_RESOURCES + pairs[0][1].gzipName(), "Fashion-MNIST train (embedded subset)", source, CLASSES);
        Dataset test = IdxReader.toDataset(images[1], EMBEDDED_RESOURCES + pairs[1][0].gzipName(), labels[1],
                EMBEDDED_RESOURCES + pairs[1][1].gzipName(), "Fashion-MNIST test (embedded subset)", source, CLASSES);
        return new FashionMnistData(train, test, DataOrigin.EMBEDDED_SUBSET, location, skipped);
    }
}
