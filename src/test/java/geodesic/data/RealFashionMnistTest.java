package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full official files, where Debian's {@code dataset-fashion-mnist} is installed.
 *
 * <p>Debian recompressed nothing but rewrote the gzip headers (no stored file name, its own timestamp; each file is
 * shorter than upstream's by exactly the file name plus its terminator), so the official README's MD5s of the
 * {@code .gz} files cannot match them. The checksums here are SHA-256 of the decompressed IDX content, identical
 * for the upstream and the Debian files.
 */
class RealFashionMnistTest {
    private static final Path DIR = FashionMnistLocator.SYSTEM_DIRECTORY;

    @BeforeAll
    static void requireInstalledDataset() {
        Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
                "needs apt-get install dataset-fashion-mnist");
    }

    private static String contentSha256(Path gz) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(gz)), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void installedFilesHoldTheOfficialContent() throws Exception {
        assertEquals("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                contentSha256(DIR.resolve("train-images-idx3-ubyte.gz")));
        assertEquals("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                contentSha256(DIR.resolve("train-labels-idx1-ubyte.gz")));
        assertEquals("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                contentSha256(DIR.resolve("t10k-images-idx3-ubyte.gz")));
        assertEquals("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
                contentSha256(DIR.resolve("t10k-labels-idx1-ubyte.gz")));
    }

    @Test
    void locatorReadsTheSystemPackageWithBalancedClasses() throws IOException {
        FashionMnistData data = FashionMnistLocator.defaults().withEnvironment(name -> null).withoutDownload()
                .locate();

        assertEquals(DataOrigin.SYSTEM_PACKAGE, data.origin());
        assertArrayEquals(new int[] {60_000, 1, 28, 28}, data.train().images().shape());
        assertArrayEquals(new int[] {10_000, 1, 28, 28}, data.test().images().shape());
        int[] sixThousand = new int[10];
        int[] oneThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        Arrays.fill(oneThousand, 1000);
        assertArrayEquals(sixThousand, data.train().classCounts());
        assertArrayEquals(oneThousand, data.test().classCounts());
        assertEquals("Fashion-MNIST from /usr/share/datasets/fashion-mnist (system package dataset-fashion-mnist): "
                + "60000 train, 10000 test images", data.describe());
    }
}
