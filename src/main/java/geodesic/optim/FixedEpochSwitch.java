package geodesic.optim;

import java.util.Optional;

/**
 * Switches at the end of a fixed epoch, the paper's rule: the switchover point is a hyper-parameter tuned on
 * validation data (the paper tried 5, 10, ..., 75 and used 5 to 70 depending on model and dataset).
 *
 * @param epoch the last preconditioned epoch, {@code >= 1}; SGD runs from epoch {@code epoch + 1}
 */
public record FixedEpochSwitch(int epoch) implements SwitchRule {

    /** @throws IllegalArgumentException if {@code epoch < 1} */
    public FixedEpochSwitch {
        if (epoch < 1) {
            throw new IllegalArgumentException("switch epoch must be >= 1 (the last preconditioned epoch), got "
                    + epoch);
        }
    }

    /** Fires at the end of epoch {@link #epoch()}, or at the first epoch after it (a run resumed late). */
    @Override
    public Optional<String> evaluate(SwitchEvidence evidence) {
        return evidence.epoch() >= epoch ? Optional.of("fixed epoch " + epoch) : Optional.empty();
    }

    @Override
    public String describe() {
        return "fixed-epoch(" + epoch + ")";
    }
}
