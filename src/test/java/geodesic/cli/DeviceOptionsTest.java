package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import geodesic.kernel.Devices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code --device} on the command line: an unknown name and an unavailable device are one usage line with exit
 * status 2, and {@code info} reports the CUDA status.
 */
class DeviceOptionsTest {

    @Test
    void unknownDeviceIsAUsageErrorNamingTheChoices() {
        Result r = run("bench", "train", "--device", "tpu");
        assertEquals(2, r.status, r.err);
        assertEquals("geodesic: bench train: --device must be one of cpu, cuda, got 'tpu'", r.err.strip());
    }

    @Test
    void unavailableCudaIsOneLineWithExitTwoBeforeAnyDataIsRead() {
        assumeFalse(Devices.status("cuda").available(), "this machine has a usable GPU");
        Result r = run("train", "--device", "cuda", "--data", "/nonexistent");
        assertEquals(2, r.status, r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.startsWith("geodesic: train: device 'cuda' is unavailable: "), r.err);
        assertTrue(r.err.contains("--device-fallback"), r.err);
        assertEquals("", r.out);
    }

    @Test
    void infoReportsTheCudaStatus() {
        Result r = run("info", "--size", "8");
        assertEquals(0, r.status, r.err);
        String line = r.out.lines().filter(l -> l.startsWith("cuda=")).findFirst().orElse("(none)");
        assertEquals("cuda=" + Devices.status("cuda"), line);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
