package geodesic.optim;

/**
 * What a {@link SwitchRule} sees at the end of one epoch of TSO-ALRA's first (preconditioned) stage.
 *
 * @param epoch          the 1-based epoch just finished
 * @param step           optimizer steps completed so far, over all epochs
 * @param validationLoss the epoch's validation loss, {@code NaN} when there is no validation set
 * @param isotropy       the epoch's {@link GradientNoiseIsotropy#isotropy()} of the preconditioned gradient noise,
 *                       {@code NaN} when it is not tracked or could not be estimated
 */
public record SwitchEvidence(int epoch, long step, double validationLoss, double isotropy) {
}
