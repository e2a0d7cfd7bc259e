package geodesic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSubsetTest {
    @TempDir
    Path root;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FashionMnistLocator.class.getResourceAsStream(
                FashionMnistLocator.EMBEDDED_RESOURCES + name)) {
            assertNotNull(in, "missing resource " + name);
            return in.readAllBytes();
        }
    }

    @Test
    void embeddedSubsetIsUsedLastAndHoldsRealLabelledImages() throws IOException {
        FashionMnistData data = FashionMnistLocator.defaults()
                .withEnvironment(name -> null)
                .withSystemDirectory(root.resolve("none"))
                .withCacheDirectory(root.resolve("cache"))
                .withoutDownload()
                .locate();

        assertEquals(DataOrigin.EMBEDDED_SUBSET, data.origin());
        assertEquals(FashionMnistLocator.EMBEDDED_TRAIN, data.train().size());
        assertEquals(FashionMnistLocator.EMBEDDED_TEST, data.test().size());
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            assertArrayEquals(new int[] {d.size(), 1, 28, 28}, d.images().shape());
            for (int count : d.classCounts()) {
                assertTrue(count >= d.size() / 20, d.name() + " class counts " + Arrays.toString(d.classCounts()));
            }
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float p : d.pixels()) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertEquals(0f, min, d.name() + " darkest pixel");
            assertEquals(1f, max, d.name() + " brightest pixel");
        }
        assertTrue(data.describe().contains("(embedded subset): 6000 train, 1000 test images"), data.describe());
        assertTrue(data.train().source().contains("Zalando SE, MIT licence"), data.train().source());
    }

    @Test
    void licenceNoticeShipsBesideTheSubsetWhichStaysSmall() throws IOException {
        String notice = new String(resource("NOTICE.txt"), StandardCharsets.UTF_8);
        long total = 0;
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            total += resource(name).length;
        }

        assertTrue(notice.contains("The MIT License (MIT) Copyright (c) 2017 Zalando SE"), notice);
        assertTrue(notice.contains("https://github.com/zalandoresearch/fashion-mnist"), notice);
        assertTrue(total < 5_000_000, "embedded subset is " + total + " bytes");
    }

    @Test
    void shippedFilesAreExactlyWhatTheToolCutsFromTheOfficialFiles() throws IOException {
        Path official = FashionMnistLocator.SYSTEM_DIRECTORY;
        Assumptions.assumeTrue(Files.isRegularFile(official.resolve("train-images-idx3-ubyte.gz")),
                "needs apt-get install dataset-fashion-mnist");

        Map<String, byte[]> regenerated = EmbeddedSubsetTool.subsetFiles(official);

        assertEquals(4, regenerated.size());
        for (var file : regenerated.entrySet()) {
            assertArrayEquals(file.getValue(), resource(file.getKey()), file.getKey());
        }
    }
}
