package geodesic.optim;

import java.util.Locale;
import java.util.Optional;

/**
 * Switches when the preconditioned gradient noise has become isotropic, the condition under which the paper's
 * Theorem 2 / Corollary 2 says the preconditioned stage stops helping: around a minimum, {@code F^{-1/2} g} has
 * covariance {@code I / b}, so its diffusion no longer follows the anisotropic noise that lets SGD escape sharp
 * minima. The evidence is {@link GradientNoiseIsotropy#isotropy()} (about 1 for isotropic noise, near
 * {@code r / k} for noise confined to {@code r} directions); the rule fires once it has been at or above
 * {@code threshold} for {@code patience} consecutive epochs, and not before {@code earliestEpoch}. An epoch
 * without an estimate ({@code NaN}) breaks the run.
 *
 * <p>{@link #DEFAULT_THRESHOLD} is argued in {@link GradientNoiseIsotropy}: with the default sketch of 64
 * directions it means an effective rank of at least about 64, i.e. the noise fills the sketch.
 *
 * <p><b>When it fires.</b> Lemma 3's premise {@code E[g g^T] ~ C} holds whenever the mini-batch noise dominates the
 * mean gradient, which in mini-batch training is true long before a minimum. A preconditioner close to
 * {@code F^{-1/2}} can therefore make the noise read as isotropic from the first epochs, and the rule then fires as
 * soon as {@code patience} allows; {@code earliestEpoch} keeps the preconditioned stage for a minimum number of
 * epochs in that case.
 */
public final class IsotropySwitch implements SwitchRule {
    /** The isotropy at which the noise counts as isotropic. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** Consecutive epochs at or above the threshold, so one noisy estimate does not switch. */
    public static final int DEFAULT_PATIENCE = 2;

    private final double threshold;
    private final int patience;
    private final int earliestEpoch;
    private long epochsAbove;

    /**
     * @param threshold isotropy at or above which an epoch counts, in {@code (0, 1]}
     * @param patience      consecutive such epochs that trigger the switch, {@code >= 1}
     * @param earliestEpoch the first epoch at whose end the rule may fire, {@code >= 1}
     * @throws IllegalArgumentException naming the value out of range
     */
    public IsotropySwitch(double threshold, int patience, int earliestEpoch) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("isotropy threshold must be in (0, 1], got " + threshold);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("isotropy patience must be >= 1 epoch, got " + patience);
        }
        if (earliestEpoch < 1) {
            throw new IllegalArgumentException("isotropy earliest epoch must be >= 1, got " + earliestEpoch);
        }
        this.threshold = threshold;
        this.patience = patience;
        this.earliestEpoch = earliestEpoch;
    }

    /** The rule with {@link #DEFAULT_THRESHOLD} and {@link #DEFAULT_PATIENCE}, allowed to fire from epoch 1. */
    public IsotropySwitch() {
        this(DEFAULT_THRESHOLD, DEFAULT_PATIENCE, 1);
    }

    @Override
    public Optional<String> evaluate(SwitchEvidence evidence) {
        double iso = evidence.isotropy();
        epochsAbove = iso >= threshold ? epochsAbove + 1 : 0;
        if (epochsAbove < patience || evidence.epoch() < earliestEpoch) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "isotropic noise: isotropy %.3f >= %.3f for %d epochs", iso,
                threshold, epochsAbove));
    }

    @Override
    public String describe() {
        return "isotropy(threshold=" + threshold + ", patience=" + patience + ", earliest_epoch=" + earliestEpoch + ")";
    }

    @Override
    public boolean needsIsotropy() {
        return true;
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        state.putLong(prefix + "epochsAbove", epochsAbove);
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        epochsAbove = state.longValue(prefix + "epochsAbove");
    }
}
