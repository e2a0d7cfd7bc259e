package geodesic.optim;

import java.util.Locale;
import java.util.Optional;

/**
 * Switches when the preconditioned gradient noise has become isotropic, the condition under which the paper's
 * Theorem 2 / Corollary 2 says the preconditioned stage stops helping: around a minimum, {@code F^{-1/2} g} has
 * covariance {@code I / b}, so its diffusion no longer follows the anisotropic noise that lets SGD escape sharp
 * minima. The evidence is {@link GradientNoiseIsotropy#isotropy()} (about 1 for isotropic noise, near
 * {@code r / k} for noise confined to {@code r} directions); the rule fires once it has been at or above
 * {@code threshold} for {@code patience} consecutive epochs. An epoch without an estimate ({@code NaN}) breaks the
 * run.
 *
 * <p>{@link #DEFAULT_THRESHOLD} is argued in {@link GradientNoiseIsotropy}: with the default sketch of 64
 * directions it means an effective rank of at least about 64, i.e. the noise fills the sketch.
 */
public final class IsotropySwitch implements SwitchRule {
    /** The isotropy at which the noise counts as isotropic. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** Consecutive epochs at or above the threshold, so one noisy estimate does not switch. */
    public static final int DEFAULT_PATIENCE = 2;

    private final double threshold;
    private final int patience;
    private long epochsAbove;

    /**
     * @param threshold isotropy at or above which an epoch counts, in {@code (0, 1]}
     * @param patience  consecutive such epochs that trigger the switch, {@code >= 1}
     * @throws IllegalArgumentException naming the value out of range
     */
    public IsotropySwitch(double threshold, int patience) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("isotropy threshold must be in (0, 1], got " + threshold);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("isotropy patience must be >= 1 epoch, got " + patience);
        }
        this.threshold = threshold;
        this.patience = patience;
    }

    /** The rule with {@link #DEFAULT_THRESHOLD} and {@link #DEFAULT_PATIENCE}. */
    public IsotropySwitch() {
        this(DEFAULT_THRESHOLD, DEFAULT_PATIENCE);
    }

    @Override
    public Optional<String> evaluate(SwitchEvidence evidence) {
        double iso = evidence.isotropy();
        epochsAbove = iso >= threshold ? epochsAbove + 1 : 0;
        if (epochsAbove < patience) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "isotropic noise: isotropy %.3f >= %.3f for %d epochs", iso,
                threshold, epochsAbove));
    }

    @Override
    public String describe() {
        return "isotropy(threshold=" + threshold + ", patience=" + patience + ")";
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
