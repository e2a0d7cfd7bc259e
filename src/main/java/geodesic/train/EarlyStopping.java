package geodesic.train;

/**
 * Stops training when the validation loss has not reached a new minimum for {@code patience} consecutive epochs.
 * Epochs without a validation loss (NaN) neither improve nor count against the patience.
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceBest;

    /** @throws IllegalArgumentException if {@code patience < 1} */
    public EarlyStopping(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        }
        this.patience = patience;
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        double v = m.validationLoss();
        if (Double.isNaN(v)) {
            return;
        }
        if (v < best) {
            best = v;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
    }

    @Override
    public boolean shouldStop() {
        return sinceBest >= patience;
    }
}
