package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpDownloaderTest {
    private static final byte[] BODY = IdxFiles.randomBytes(200_000, 77);

    @TempDir
    Path dir;

    private LocalHttpServer server;
    private final HttpDownloader downloader = new HttpDownloader(Duration.ofSeconds(10), 1 << 20);

    @BeforeEach
    void start() throws IOException {
        server = new LocalHttpServer().serve("/files/data.gz", BODY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String hex(String algorithm, byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private List<Path> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void verifiedDownloadLandsAtTheTargetWithNothingElseLeft() throws Exception {
        Path target = dir.resolve("data.gz");

        downloader.download(server.uri("files/data.gz"), ExpectedDigest.sha256(hex("SHA-256", BODY)), target);

        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertTrue(filesInDir().equals(List.of(target)), "left behind: " + filesInDir());
    }

    @Test
    void md5DigestsAreAcceptedToo() throws Exception {
        Path target = dir.resolve("data.gz");

        downloader.download(server.uri("files/data.gz"), ExpectedDigest.md5(hex("MD5", BODY).toUpperCase()), target);

        assertArrayEquals(BODY, Files.readAllBytes(target));
    }

    @Test
    void checksumMismatchLeavesNoFileBehindAndNamesBothDigests() throws Exception {
        Path target = dir.resolve("data.gz");
        String wrong = hex("SHA-256", new byte[] {1});

        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> downloader.download(
                server.uri("files/data.gz"), ExpectedDigest.sha256(wrong), target));

        assertTrue(e.getMessage().startsWith(server.uri("files/data.gz") + ": checksum mismatch: expected SHA-256 "
                + wrong + ", got " + hex("SHA-256", BODY)), e.getMessage());
        assertTrue(filesInDir().isEmpty(), "left behind: " + filesInDir());
    }

    @Test
    void failedDownloadKeepsAnExistingTargetUnchanged() throws Exception {
        Path target = Files.write(dir.resolve("data.gz"), new byte[] {42});

        assertThrows(DatasetFormatException.class, () -> downloader.download(server.uri("files/data.gz"),
                ExpectedDigest.sha256(hex("SHA-256", new byte[0])), target));

        assertArrayEquals(new byte[] {42}, Files.readAllBytes(target));
        assertTrue(filesInDir().equals(List.of(target)), "left behind: " + filesInDir());
    }

    @Test
    void notFoundIsAnIoErrorNamingUrlAndStatus() throws Exception {
        Path target = dir.resolve("missing.gz");

        IOException e = assertThrows(IOException.class, () -> downloader.download(server.uri("files/missing.gz"),
                ExpectedDigest.sha256(hex("SHA-256", BODY)), target));

        assertTrue(e.getMessage().startsWith(server.uri("files/missing.gz") + ": HTTP 404"), e.getMessage());
        assertFalse(e instanceof DatasetFormatException);
        assertTrue(filesInDir().isEmpty(), "left behind: " + filesInDir());
    }

    @Test
    void oversizedBodyIsAbandoned() throws Exception {
        HttpDownloader small = new HttpDownloader(Duration.ofSeconds(10), 1000);

        IOException e = assertThrows(IOException.class, () -> small.download(server.uri("files/data.gz"),
                ExpectedDigest.sha256(hex("SHA-256", BODY)), dir.resolve("data.gz")));

        assertTrue(e.getMessage().contains("exceeds the 1000-byte limit"), e.getMessage());
        assertTrue(filesInDir().isEmpty(), "left behind: " + filesInDir());
    }

    @Test
    void badDigestsAndLimitsAreRejectedUpFront() {
        assertThrows(IllegalArgumentException.class, () -> ExpectedDigest.sha256("abc"));
        assertThrows(IllegalArgumentException.class, () -> ExpectedDigest.md5("zz".repeat(16)));
        assertThrows(IllegalArgumentException.class, () -> new ExpectedDigest("NO-SUCH-HASH", "00"));
        assertThrows(IllegalArgumentException.class, () -> new HttpDownloader(Duration.ZERO, 1));
    }
}
