package geodesic.train.experiment;

import geodesic.train.EpochMetrics;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints an experiment's progress as plain {@code key=value} lines that {@code grep} can pick apart: one line per
 * run start, epoch, end and skip, each prefixed with {@code run i/N}, and an estimate of the time left for the
 * whole grid ({@code eta=}) from the epochs timed so far, per model (a model not timed yet is assumed to take the
 * average of those that were). For example:
 * <pre>
 * run 2/36 start id=alexnet_sgd_seed2 model=alexnet seed=2 epochs=21 optimizer=sgd(lr=0.1)
 * run 2/36 epoch=3/21 train_loss=0.7312 val_loss=0.6120 ... seconds=18.2 eta=1h52m
 * run 2/36 done id=alexnet_sgd_seed2 status=finished epochs=21 final_test_loss=0.4121 ... wall_s=402.1 eta=1h45m
 * </pre>
 */
public final class GridProgress implements ExperimentListener {
    private final PrintStream out;
    private final Map<String, double[]> secondsPerEpoch = new HashMap<>();
    private List<RunSpec> runs = List.of();
    private Set<String> finished = Set.of();
    private int epochs;
    private double previousTotal;

    /** @param out receives the lines (the host's stream) */
    public GridProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onGridStart(List<RunSpec> grid, Set<String> finishedIds) {
        this.runs = List.copyOf(grid);
        this.finished = Set.copyOf(finishedIds);
        out.printf(Locale.ROOT, "grid runs=%d finished_earlier=%d to_train=%d%n", grid.size(), finishedIds.size(),
                grid.size() - finishedIds.size());
    }

    @Override
    public void onData(String description) {
        out.println("data " + description);
    }

    @Override
    public void onRunSkipped(int index, RunSpec run, RunRecord record) {
        out.printf(Locale.ROOT, "run %d/%d skip id=%s status=%s (finished earlier)%n", index, runs.size(), run.id(),
                record.diverged() ? "diverged" : "finished");
    }

    @Override
    public void onRunStart(int index, RunSpec run, String optimizer, int runEpochs) {
        this.epochs = runEpochs;
        this.previousTotal = 0;
        out.printf(Locale.ROOT, "run %d/%d start id=%s model=%s seed=%d epochs=%d optimizer=%s%n", index, runs.size(),
                run.id(), run.model(), run.seed(), runEpochs, optimizer);
    }

    @Override
    public void onEpoch(int index, RunSpec run, EpochMetrics m) {
        double[] t = secondsPerEpoch.computeIfAbsent(run.model(), k -> new double[2]);
        t[0] += m.totalSeconds() - previousTotal;
        t[1]++;
        previousTotal = m.totalSeconds();
        out.printf(Locale.ROOT, "run %d/%d epoch=%d/%d train_loss=%.4f val_loss=%.4f val_acc=%.4f test_loss=%.4f"
                        + " test_acc=%.4f lr=%.4g seconds=%.1f eta=%s%n", index, runs.size(), m.epoch(), epochs,
                m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.testLoss(), m.testAccuracy(),
                m.learningRate(), m.seconds(), eta(index, epochs - m.epoch()));
    }

    @Override
    public void onRunEnd(int index, RunSpec run, RunRecord record) {
        out.printf(Locale.ROOT, "run %d/%d done id=%s status=%s epochs=%d switch_epoch=%s wall_s=%.1f eta=%s%s%n",
                index, runs.size(), run.id(), record.diverged() ? "diverged" : "finished", record.epochs(),
                record.switchEpoch().isPresent() ? Integer.toString(record.switchEpoch().getAsInt()) : "-",
                record.wallSeconds(), eta(index, 0), record.diverged() ? " failure=" + record.failure() : "");
    }

    /**
     * The time left: {@code epochsLeft} more epochs of run {@code index}, then every later run not finished
     * earlier; {@code "?"} before any epoch was timed.
     */
    String eta(int index, int epochsLeft) {
        double allSeconds = 0;
        double allEpochs = 0;
        for (double[] t : secondsPerEpoch.values()) {
            allSeconds += t[0];
            allEpochs += t[1];
        }
        if (allEpochs == 0) {
            return "?";
        }
        double fallback = allSeconds / allEpochs;
        double left = epochsLeft * perEpoch(runs.get(index - 1).model(), fallback);
        for (int i = index; i < runs.size(); i++) {
            RunSpec r = runs.get(i);
            if (!finished.contains(r.id())) {
                left += epochs * perEpoch(r.model(), fallback);
            }
        }
        return duration(left);
    }

    private double perEpoch(String model, double fallback) {
        double[] t = secondsPerEpoch.get(model);
        return t == null ? fallback : t[0] / t[1];
    }

    /** {@code 1h05m}, {@code 4m07s} or {@code 12s}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
