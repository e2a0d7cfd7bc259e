package geodesic.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display for terminals: epoch, batch, running loss, images/s and the epoch's ETA, redrawn in
 * place at most ten times a second. When the output is not a terminal it prints nothing per step, so logs and
 * pipes stay clean; the per-epoch result lines are the CLI's job.
 */
public final class ProgressBar implements TrainingListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintStream out;
    private final boolean enabled;
    private int epochs;
    private long lastDraw;
    private double runningLoss = Double.NaN;
    private boolean drawn;

    /**
     * @param out     where to draw (standard error in the CLI)
     * @param enabled whether to draw at all; the CLI passes whether a console is attached
     */
    public ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    @Override
    public void onStart(TrainingPlan plan) {
        epochs = plan.epochs();
    }

    @Override
    public void onStep(StepMetrics s) {
        runningLoss = Double.isNaN(runningLoss) || s.batch() == 0 ? s.loss() : 0.95 * runningLoss + 0.05 * s.loss();
        long now = System.nanoTime();
        if (!enabled || (now - lastDraw < REDRAW_NANOS && s.batch() + 1 < s.batchesInEpoch())) {
            return;
        }
        lastDraw = now;
        double rate = s.imagesInEpoch() / Math.max(s.secondsInEpoch(), 1e-9);
        double done = (s.batch() + 1.0) / s.batchesInEpoch();
        double eta = s.secondsInEpoch() * (1 - done) / Math.max(done, 1e-9);
        int width = 24;
        int filled = (int) Math.round(done * width);
        out.print(String.format(Locale.ROOT, "\r\033[Kepoch %d/%d [%s%s] %d/%d loss %.4f %.0f img/s eta %s",
                s.epoch(), epochs, "#".repeat(filled), ".".repeat(width - filled), s.batch() + 1, s.batchesInEpoch(),
                runningLoss, rate, clock(eta)));
        out.flush();
        drawn = true;
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        clear();
    }

    @Override
    public void onFinish(TrainingResult result) {
        clear();
    }

    private void clear() {
        if (drawn) {
            out.print("\r\033[K");
            out.flush();
            drawn = false;
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
