package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.Dataset;
import geodesic.kernel.Device;
import geodesic.kernel.Devices;
import geodesic.kernel.Parallelism;
import geodesic.nn.DeviceModel;
import geodesic.nn.Sequential;
import geodesic.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device training loop learns a separable problem on the CPU device with each device optimizer. */
class DeviceTrainingTest {

    /** Class 0 is bright in the top half, class 1 in the bottom half, plus noise. */
    private static Dataset halves(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pixels = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(2);
            for (int p = 0; p < 16; p++) {
                boolean lit = (p < 8) == (labels[i] == 0);
                pixels[i * 16 + p] = (float) ((lit ? 1 : 0) + 0.3 * r.nextGaussian());
            }
        }
        return Dataset.of("halves", "test", 2, 1, 4, 4, pixels, labels);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "adam"})
    void learnsASeparableProblemAndPrintsOneLinePerEpoch(String optimizer) {
        // Adam's default rate (1e-3) needs more than the 44 steps this test takes.
        Options o = Options.parse("train", optimizer.equals("adam") ? List.of("--lr", "0.01") : List.of(),
                Set.of("lr"), Set.of());
        Sequential net = Sequential.builder(1, 4, 4).flatten().dense(8).relu().dense(2).build(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<EpochMetrics> history;
        try (Device device = Devices.cpu(Parallelism.sequential());
             DeviceModel model = DeviceModel.of(net, device, 32);
             PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            history = DeviceTraining.fit(model, DeviceUpdate.of("train", o, optimizer), halves(333, 1),
                    halves(200, 2), 4, 32, 7, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(4, printed.lines().filter(l -> l.startsWith("epoch=")).count(), printed);
        EpochMetrics last = history.getLast();
        assertTrue(last.testAccuracy() > 0.95, optimizer + ": test accuracy " + last.testAccuracy());
        assertTrue(last.trainLoss() < history.getFirst().trainLoss(), optimizer + ": " + printed);
        assertEquals(333, last.images());
    }
}
