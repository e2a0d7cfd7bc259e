package geodesic.cli;

import geodesic.data.Dataset;
import geodesic.kernel.Device;
import geodesic.kernel.DeviceSelection;
import geodesic.kernel.Parallelism;
import geodesic.kernel.SoftmaxCrossEntropy;
import geodesic.nn.DeviceModel;
import geodesic.nn.Sequential;
import geodesic.train.EpochMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code train --device NAME}: epochs of mini-batch training of a {@link DeviceModel}, everything but the batch
 * gather on the device, then a test-set evaluation per epoch, printed in {@code train}'s epoch-line format.
 *
 * <p>A smaller loop than {@code geodesic.train.Trainer}: its own seeded shuffle per epoch (so batches differ from
 * the host trainer's for the same seed), the last short batch kept, no validation split, checkpoints, schedules or
 * CSV; {@link TrainCommand} refuses those options with a device.
 */
final class DeviceTraining {
    private DeviceTraining() {
    }

    /**
     * Opens the device {@code --device} names, moves {@code net} onto it, trains, prints the epoch lines and the
     * {@code test_acc=...} summary, and copies the trained parameters back into {@code net}.
     */
    static int run(Options o, Sequential net, String optimizerName, Dataset train, Dataset test, int epochs,
                   int batch, long seed, PrintStream out) {
        DeviceUpdate update = DeviceUpdate.of("train", o, optimizerName);
        DeviceSelection selection = DeviceOptions.open("train", o, Parallelism.sequential());
        try (Device device = selection.device(); DeviceModel model = DeviceModel.of(net, device, batch)) {
            out.println("device: " + device.description());
            out.println("optimizer: " + update.name() + " lr=" + update.learningRate() + " (device model)");
            List<EpochMetrics> history = fit(model, update, train, test, epochs, batch, seed, out);
            model.copyParametersTo(net);
            EpochMetrics last = history.getLast();
            out.printf(Locale.ROOT, "test_acc=%.4f test_loss=%.4f train_seconds=%.1f total_seconds=%.1f%n",
                    last.testAccuracy(), last.testLoss(), history.stream().mapToDouble(EpochMetrics::seconds).sum(),
                    last.totalSeconds());
        }
        return 0;
    }

    /** Trains and evaluates, printing one line per epoch; returns every epoch's metrics. */
    static List<EpochMetrics> fit(DeviceModel model, DeviceUpdate update, Dataset train, Dataset test, int epochs, int batch,
                            long seed, PrintStream out) {
        int size = train.exampleSize();
        float[] x = new float[batch * size];
        int[] labels = new int[batch];
        int[] order = new int[train.size()];
        long start = System.nanoTime();
        List<EpochMetrics> history = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, new SplittableRandom(seed * 1_000_003L + epoch));
            long t0 = System.nanoTime();
            double lossSum = 0;
            for (int from = 0; from < order.length; from += batch) {
                int n = Math.min(batch, order.length - from);
                for (int i = 0; i < n; i++) {
                    int e = order[from + i];
                    System.arraycopy(train.pixels(), e * size, x, i * size, size);
                    labels[i] = train.label(e);
                }
                lossSum += update.step(model, x, labels, n) * n;
            }
            model.device().synchronize();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            double[] eval = evaluate(model, test, batch);
            EpochMetrics m = new EpochMetrics(epoch, lossSum / order.length, Double.NaN, Double.NaN, eval[0], eval[1],
                    update.learningRate(), seconds, (System.nanoTime() - start) * 1e-9, order.length);
            history.add(m);
            out.println(TrainCommand.epochLine(m));
        }
        return history;
    }

    /** {mean loss, accuracy} on {@code data}, in chunks of {@code batch}. */
    static double[] evaluate(DeviceModel model, Dataset data, int batch) {
        int size = data.exampleSize(), classes = data.numClasses();
        float[] logits = new float[batch * classes];
        int[] all = data.labels();
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += batch) {
            int n = Math.min(batch, data.size() - from);
            float[] x = Arrays.copyOfRange(data.pixels(), from * size, (from + n) * size);
            int[] labels = Arrays.copyOfRange(all, from, from + n);
            model.predict(x, n, logits);
            loss += SoftmaxCrossEntropy.loss(n, classes, logits, labels) * n;
            correct += SoftmaxCrossEntropy.countCorrect(n, classes, logits, labels);
        }
        return new double[] {loss / data.size(), correct / (double) data.size()};
    }

    private static void shuffle(int[] order, SplittableRandom r) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
