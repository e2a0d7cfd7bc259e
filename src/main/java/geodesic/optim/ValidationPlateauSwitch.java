package geodesic.optim;

import java.util.Locale;
import java.util.Optional;

/**
 * Switches when the minimum validation loss has not improved for {@code patience} epochs, the paper's real-time
 * alternative to a tuned switch epoch (end of Section III.B): "replace the adaptive learning rate algorithm with
 * plain SGD when the minimum validation loss is not altered over several epochs".
 *
 * <p>An epoch improves when its loss is below {@code best - minDelta}; then it becomes the best. The rule fires at
 * the end of the {@code patience}-th epoch in a row without improvement. An infinite loss counts as no improvement.
 */
public final class ValidationPlateauSwitch implements SwitchRule {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private long bestEpoch;
    private long epochsWithoutImprovement;

    /**
     * @param patience epochs without improvement that trigger the switch, {@code >= 1}
     * @param minDelta how much lower than the best a loss must be to count as an improvement, finite and
     *                 {@code >= 0}
     * @throws IllegalArgumentException naming the value out of range
     */
    public ValidationPlateauSwitch(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("plateau patience must be >= 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0 && Double.isFinite(minDelta))) {
            throw new IllegalArgumentException("plateau minDelta must be finite and >= 0, got " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /** A plateau rule that counts any decrease of the minimum as an improvement. */
    public ValidationPlateauSwitch(int patience) {
        this(patience, 0);
    }

    /** @throws IllegalArgumentException if the validation loss is {@code NaN} (no validation set) */
    @Override
    public Optional<String> evaluate(SwitchEvidence evidence) {
        double loss = evidence.validationLoss();
        if (Double.isNaN(loss)) {
            throw new IllegalArgumentException("validation loss is NaN at epoch " + evidence.epoch()
                    + ": the plateau switch needs a validation set");
        }
        if (loss < best - minDelta) {
            best = loss;
            bestEpoch = evidence.epoch();
            epochsWithoutImprovement = 0;
            return Optional.empty();
        }
        epochsWithoutImprovement++;
        if (epochsWithoutImprovement < patience) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "validation plateau: best loss %.6g at epoch %d, not improved for %d epochs", best, bestEpoch,
                epochsWithoutImprovement));
    }

    @Override
    public String describe() {
        return "validation-plateau(patience=" + patience + ", min_delta=" + minDelta + ")";
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        state.putDoubles(prefix + "best", new double[] {best})
                .putLong(prefix + "bestEpoch", bestEpoch)
                .putLong(prefix + "epochsWithoutImprovement", epochsWithoutImprovement);
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        double[] b = state.doubles(prefix + "best");
        if (b.length != 1) {
            throw new IllegalArgumentException("switch rule state " + prefix + "best has " + b.length
                    + " values, expected 1");
        }
        long e = state.longValue(prefix + "bestEpoch");
        long waited = state.longValue(prefix + "epochsWithoutImprovement");
        best = b[0];
        bestEpoch = e;
        epochsWithoutImprovement = waited;
    }
}
