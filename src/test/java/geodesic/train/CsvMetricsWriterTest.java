package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvMetricsWriterTest {
    @TempDir
    Path dir;

    private static EpochMetrics epoch(int e) {
        return new EpochMetrics(e, 0.5 / e, Double.NaN, Double.NaN, 0.4 / e, 0.8 + e / 100.0, 0.1, 2, 2.5 * e, 1000);
    }

    @Test
    void rewritesTheWholeFileEachEpochLeavingNoTemporaryFiles() throws IOException {
        Path csv = dir.resolve("sub/metrics.csv");
        CsvMetricsWriter w = new CsvMetricsWriter(csv);
        w.onEpoch(epoch(1));
        w.onEpoch(epoch(2));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(CsvMetricsWriter.HEADER, lines.get(0));
        assertTrue(lines.get(2).startsWith("2,0.250000,,,0.200000,0.820000,"), lines.get(2));
        try (Stream<Path> files = Files.list(csv.getParent())) {
            assertEquals(List.of(csv), files.toList());
        }
    }

    @Test
    void earlyStoppingCountsEpochsWithoutNewMinimum() {
        EarlyStopping s = new EarlyStopping(2);
        double[] val = {1.0, 0.9, 0.95, 0.91, 0.92};
        boolean[] expected = {false, false, false, true, true};
        for (int i = 0; i < val.length; i++) {
            s.onEpoch(new EpochMetrics(i + 1, 1, val[i], 0.5, 1, 0.5, 0.1, 1, 1, 10));
            assertEquals(expected[i], s.shouldStop(), "after epoch " + (i + 1));
        }
    }
}
