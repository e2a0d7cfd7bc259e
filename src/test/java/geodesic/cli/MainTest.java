package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
}
