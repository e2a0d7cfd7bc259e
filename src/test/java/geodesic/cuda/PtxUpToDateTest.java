package geodesic.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX is what native/build-ptx.sh makes from native/*.cu today. Runs where nvcc of the release that
 * wrote the committed PTX is installed (a GPU is not needed); skipped, with the reason, elsewhere.
 */
class PtxUpToDateTest {
    private static final Path COMMITTED = Path.of("src/main/resources/geodesic/cuda/geodesic_kernels.ptx");
    private static final Pattern RELEASE = Pattern.compile("release \\d+\\.\\d+, V[\\d.]+");

    @Test
    void committedPtxMatchesTheCudaSources(@TempDir Path out) throws IOException, InterruptedException {
        Path nvcc = Path.of(System.getenv().getOrDefault("NVCC", "/usr/local/cuda/bin/nvcc"));
        assumeTrue(Files.isExecutable(nvcc), "no nvcc at " + nvcc + " (set NVCC)");
        String committed = Files.readString(COMMITTED);
        String installed = run(List.of(nvcc.toString(), "--version"), out);
        String wanted = release(committed);
        assumeTrue(installed.contains(wanted), "the committed PTX was made by nvcc " + wanted + ", this nvcc is "
                + release(installed));
        Path script = Path.of("native/build-ptx.sh").toAbsolutePath();
        run(List.of("bash", script.toString(), out.toString()), out);
        assertEquals(committed, Files.readString(out.resolve("geodesic_kernels.ptx")),
                "src/main/resources/geodesic/cuda/geodesic_kernels.ptx is stale: run native/build-ptx.sh");
    }

    private static String release(String text) {
        Matcher m = RELEASE.matcher(text);
        return m.find() ? m.group() : "(unknown release)";
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
        return output;
    }
}
