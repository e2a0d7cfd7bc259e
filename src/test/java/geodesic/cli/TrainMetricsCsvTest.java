package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics CSV of {@code train} carries the Kronecker preconditioner's eigensolver failure count per epoch. */
class TrainMetricsCsvTest {
    @Test
    void kroneckerTrainingReportsRootFailuresPerEpoch(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("m.csv");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"train", "--data", "embedded", "--model", "mlp", "--optimizer", "kronecker",
                        "--epochs", "2", "--subset", "100", "--batch", "50", "--threads", "1", "--quiet",
                        "--csv", csv.toString(), "--plot", dir.resolve("m.png").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.getFirst().split(","));
        int column = header.indexOf("root_failures");
        assertTrue(column >= 0, "no root_failures column in " + header);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertEquals("0", lines.get(1).split(",")[column], "epoch 1 of " + header);
        assertEquals("0", lines.get(2).split(",")[column], "epoch 2 of " + header);
    }
}
