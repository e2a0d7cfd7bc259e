package geodesic.optim;

import java.util.List;
import java.util.Optional;

/**
 * Decides when TSO-ALRA leaves its preconditioned first stage for plain SGD (paper Algorithm 1, the condition that
 * ends the first loop).
 *
 * <p><b>Call order.</b> {@link TsoAlra} calls {@link #evaluate} once at the end of every first-stage epoch, with
 * increasing epochs, and never again once it has returned a reason: the switch is final. A rule may keep state
 * across calls (a best loss, a count of epochs); such a rule exports it so that a resumed run switches at the same
 * epoch.
 *
 * <p><b>Threading.</b> Called on the training thread; implementations need not be thread-safe.
 */
public interface SwitchRule {

    /**
     * Looks at one finished epoch.
     *
     * @return the reason to switch now (one short phrase with the numbers that decided it), or empty to go on
     * @throws IllegalArgumentException if the rule needs a quantity that {@code evidence} lacks (a validation loss
     *                                  that is {@code NaN}); the rule's state is then unchanged
     */
    Optional<String> evaluate(SwitchEvidence evidence);

    /** Name and settings, e.g. {@code "validation-plateau(patience=5, min_delta=0)"}. */
    String describe();

    /** Whether {@link #evaluate} reads {@link SwitchEvidence#isotropy()}, so the optimizer must estimate it. */
    default boolean needsIsotropy() {
        return false;
    }

    /** Adds the rule's state to {@code state}, names prefixed by {@code prefix}; stateless rules add nothing. */
    default void exportState(OptimizerState state, String prefix) {
    }

    /**
     * Restores what {@link #exportState} wrote.
     *
     * @throws IllegalArgumentException naming the first missing or malformed entry; nothing is changed then
     */
    default void importState(OptimizerState state, String prefix) {
    }

    /**
     * A rule that switches as soon as any of {@code rules} would, e.g. on a validation plateau but at epoch 75 at
     * the latest; the reason is the first firing rule's. Every rule sees every epoch, so stateful rules stay
     * current.
     *
     * @throws IllegalArgumentException if {@code rules} is empty
     */
    static SwitchRule anyOf(SwitchRule... rules) {
        return new AnyOfSwitch(List.of(rules));
    }
}
