package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownCommandIsOneLineAndExitTwo() {
        assertEquals(2, run("trian"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("unknown command 'trian'"), e);
        assertEquals(1, e.strip().lines().count(), e);
    }

    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        assertEquals(2, run("info", "--sise", "64"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("--sise"), e);
        assertEquals(1, e.strip().lines().count(), e);
    }

    @Test
    void infoReportsRuntimeKernelsSolverAndAGemmCheckWithinFloatRounding() {
        assertEquals(0, run("info", "--size", "64"));
        String o = out.toString(StandardCharsets.UTF_8);
        for (String key : new String[] {"java_version=", "kernels=", "float_lanes=", "openblas_available=", "eigensolver="}) {
            assertTrue(o.contains(key), key + " missing from:\n" + o);
        }
        Matcher m = Pattern.compile("vector_max_rel_err=([0-9.eE+-]+)").matcher(o);
        assertTrue(m.find(), o);
        double err = Double.parseDouble(m.group(1));
        assertTrue(err < 64 * 6e-8, "GEMM self-check error " + err + " above float32 rounding for k=64");
        assertTrue(o.contains("vector_gflops="), o);
    }

    @Test
    void trainOnTheEmbeddedSubsetWithTsoAlraPrintsEpochLinesAndTheSwitchAndWritesCsvAndPlot(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("m.csv");
        Path png = dir.resolve("m.png");
        assertEquals(0, run("train", "--data", "embedded", "--model", "mlp", "--epochs", "2", "--subset", "1000",
                "--threads", "1", "--csv", csv.toString(), "--plot", png.toString(), "--quiet"),
                err.toString(StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.contains("data: ") && o.contains("embedded"), o);
        assertTrue(o.contains("epoch=1 ") && o.contains("epoch=2 "), o);
        assertTrue(o.contains("optimizer: tso-alra("), "TSO-ALRA is train's default optimizer: " + o);
        assertTrue(o.contains("switch epoch=1 "), "by default it switches before the last epoch: " + o);
        Matcher m = Pattern.compile("(?m)^test_acc=([0-9.]+)").matcher(o);
        assertTrue(m.find(), o);
        assertTrue(Double.parseDouble(m.group(1)) > 0.5, "MLP on 1000 images should beat chance by far: " + o);
        assertEquals(3, Files.readAllLines(csv).size());
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
    }

    @Test
    void badOptionValueIsOneLineAndExitTwo() {
        assertEquals(2, run("train", "--epochs", "zero"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("--epochs") && e.contains("zero"), e);
        assertEquals(1, e.strip().lines().count(), e);
    }

    /** One grep-able line with throughput, GC share, CPU time and the bytes a measured step allocated. */
    @Test
    void benchTrainPrintsOneLineWithThroughputAndAllocation() {
        assertEquals(0, run("bench", "train", "--model", "mlp", "--steps", "5", "--warmup", "2", "--threads", "1"),
                err.toString(StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, o.lines().count(), o);
        Matcher m = Pattern.compile("^train model=mlp optimizer=sgd threads=1 batch=128 steps=5 images_per_s=\\d+"
                + " ms_per_step=[0-9.]+ gc_percent=[0-9.]+ cpu_ms_per_step=[0-9.]+ other_cpu_ms_per_step=[0-9.]+"
                + " alloc_bytes_per_step=(-1|\\d+)$").matcher(o);
        assertTrue(m.matches(), o);
    }

    @Test
    void missingDataDirectoryIsOneLineAndExitOne(@TempDir Path dir) {
        assertEquals(1, run("train", "--data", dir.resolve("nope").toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("nope"), e);
        assertEquals(1, e.strip().lines().count(), e);
    }

    @Test
    void checkpointDirThenResumeContinuesFromTheSavedStep(@TempDir Path dir) {
        String ck = dir.resolve("ck").toString();
        String[] common = {"--data", "embedded", "--model", "mlp", "--subset", "600", "--batch", "100", "--threads", "1",
                "--quiet", "--out", dir.resolve("run").toString()};
        String[] first = concat(new String[] {"train", "--epochs", "1", "--checkpoint-dir", ck}, common);
        assertEquals(0, run(first), err.toString(StandardCharsets.UTF_8));
        String[] second = concat(new String[] {"train", "--epochs", "2", "--resume", ck}, common);
        assertEquals(0, run(second), err.toString(StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.contains("resumed from step 6 (epoch 2, batch 0)"), o);
        assertTrue(o.contains("epoch=2 "), o);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
