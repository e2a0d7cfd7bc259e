package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SwitchRuleTest {

    /** Feeds epochs 1, 2, ... with the scripted losses and isotropies; returns the epoch the rule fires at, or 0. */
    private static int firingEpoch(SwitchRule rule, double[] losses, double[] isotropies) {
        for (int e = 1; e <= losses.length; e++) {
            Optional<String> reason = rule.evaluate(new SwitchEvidence(e, 10L * e, losses[e - 1], isotropies[e - 1]));
            if (reason.isPresent()) {
                return e;
            }
        }
        return 0;
    }

    private static int firingEpoch(SwitchRule rule, double... losses) {
        return firingEpoch(rule, losses, new double[losses.length]);
    }

    @Test
    void fixedEpochFiresAtTheEndOfThatEpochAndNotBefore() {
        assertEquals(5, firingEpoch(new FixedEpochSwitch(5), 1, 1, 1, 1, 1, 1, 1));
        assertEquals(1, firingEpoch(new FixedEpochSwitch(1), 1, 1));
        assertEquals(0, firingEpoch(new FixedEpochSwitch(8), 1, 1, 1));
        assertEquals(Optional.of("fixed epoch 3"), new FixedEpochSwitch(3).evaluate(new SwitchEvidence(3, 30, 1, 1)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FixedEpochSwitch(0)).getMessage()
                .contains("0"));
    }

    static Stream<Arguments> plateauCurves() {
        return Stream.of(
                // best 0.8 at epoch 2; epochs 3 and 4 do not improve -> fires at 4
                Arguments.of(2, 0.0, new double[] {1.0, 0.8, 0.9, 0.85, 0.7}, 4),
                // a new minimum resets the count: best 0.7 at 4, then 5 and 6 -> fires at 6
                Arguments.of(2, 0.0, new double[] {1.0, 0.8, 0.9, 0.7, 0.75, 0.71, 0.5}, 6),
                // an equal loss is not an improvement
                Arguments.of(1, 0.0, new double[] {1.0, 0.9, 0.9, 0.8}, 3),
                // min delta: 0.79 is not 0.05 below 0.8
                Arguments.of(1, 0.05, new double[] {1.0, 0.8, 0.79, 0.6}, 3),
                // steadily improving never fires
                Arguments.of(1, 0.0, new double[] {1.0, 0.9, 0.8, 0.7}, 0),
                // a diverged (infinite) loss counts as no improvement
                Arguments.of(2, 0.0, new double[] {1.0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 3),
                Arguments.of(3, 0.0, new double[] {1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0}, 7));
    }

    @ParameterizedTest
    @MethodSource("plateauCurves")
    void validationPlateauFiresAfterPatienceEpochsWithoutANewMinimum(int patience, double minDelta, double[] losses,
                                                                     int expected) {
        assertEquals(expected, firingEpoch(new ValidationPlateauSwitch(patience, minDelta), losses));
    }

    @Test
    void plateauReasonNamesTheBestLossItsEpochAndTheWait() {
        SwitchRule rule = new ValidationPlateauSwitch(2);
        rule.evaluate(new SwitchEvidence(1, 10, 0.5, Double.NaN));
        rule.evaluate(new SwitchEvidence(2, 20, 0.6, Double.NaN));
        String reason = rule.evaluate(new SwitchEvidence(3, 30, 0.55, Double.NaN)).orElseThrow();
        assertTrue(reason.contains("0.5") && reason.contains("epoch 1") && reason.contains("2 epochs"), reason);
    }

    @Test
    void plateauRefusesAMissingValidationLossAndKeepsItsState() {
        SwitchRule rule = new ValidationPlateauSwitch(2);
        rule.evaluate(new SwitchEvidence(1, 10, 0.5, Double.NaN));
        rule.evaluate(new SwitchEvidence(2, 20, 0.6, Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule.evaluate(new SwitchEvidence(3, 30, Double.NaN, Double.NaN)));
        assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("validation"), e.getMessage());
        assertTrue(rule.evaluate(new SwitchEvidence(3, 30, 0.7, Double.NaN)).isPresent());
    }

    @Test
    void plateauStateRoundTripsSoAResumedRunFiresAtTheSameEpoch() {
        double[] losses = {1.0, 0.8, 0.9, 0.85, 0.95};
        SwitchRule first = new ValidationPlateauSwitch(3);
        for (int e = 1; e <= 3; e++) {
            assertFalse(first.evaluate(new SwitchEvidence(e, e, losses[e - 1], 0)).isPresent());
        }
        OptimizerState saved = new OptimizerState("test");
        first.exportState(saved, "rule/");
        SwitchRule resumed = new ValidationPlateauSwitch(3);
        resumed.importState(saved, "rule/");
        assertFalse(resumed.evaluate(new SwitchEvidence(4, 4, losses[3], 0)).isPresent());
        assertTrue(resumed.evaluate(new SwitchEvidence(5, 5, losses[4], 0)).isPresent());
        assertThrows(IllegalArgumentException.class, () -> resumed.importState(new OptimizerState("test"), "rule/"));
    }

    @Test
    void isotropyFiresAfterPatienceEpochsAtOrAboveTheThresholdAndNaNBreaksTheRun() {
        double[] none = new double[8];
        assertEquals(3, firingEpoch(new IsotropySwitch(0.5, 2, 1),
                none, new double[] {0.1, 0.6, 0.5, 0.9, 1, 1, 1, 1}));
        assertEquals(5, firingEpoch(new IsotropySwitch(0.9, 2, 5), none, new double[] {1, 1, 1, 1, 1, 1, 1, 1}),
                "isotropic from the start, but not allowed to fire before epoch 5");
        assertEquals(6, firingEpoch(new IsotropySwitch(0.5, 2, 1),
                none, new double[] {0.6, 0.4, 0.7, Double.NaN, 0.8, 0.9, 1, 1}));
        assertEquals(0, firingEpoch(new IsotropySwitch(0.5, 1, 1), none, new double[] {0.1, 0.2, 0.49, Double.NaN,
                0.3, 0.1, 0.2, 0.3}));
        assertTrue(new IsotropySwitch().needsIsotropy());
        assertThrows(IllegalArgumentException.class, () -> new IsotropySwitch(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new IsotropySwitch(1.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new IsotropySwitch(0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new IsotropySwitch(0.5, 1, 0));
    }

    @Test
    void anyOfFiresWithTheFirstFiringRuleWhileEveryRuleSeesEveryEpoch() {
        ValidationPlateauSwitch plateau = new ValidationPlateauSwitch(2);
        SwitchRule rule = SwitchRule.anyOf(plateau, new FixedEpochSwitch(6));
        assertEquals("any-of(validation-plateau(patience=2, min_delta=0.0), fixed-epoch(6))", rule.describe());
        assertEquals(6, firingEpoch(rule, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4));
        SwitchRule early = SwitchRule.anyOf(new ValidationPlateauSwitch(2), new FixedEpochSwitch(6));
        assertEquals(4, firingEpoch(early, 1.0, 0.9, 0.95, 0.92, 0.6, 0.5, 0.4));
        assertFalse(rule.needsIsotropy());
        assertTrue(SwitchRule.anyOf(new FixedEpochSwitch(3), new IsotropySwitch()).needsIsotropy());
        assertThrows(IllegalArgumentException.class, SwitchRule::anyOf);
    }

    @Test
    void anyOfRefusingEvidenceLeavesEveryRuleUnchanged() {
        SwitchRule rule = SwitchRule.anyOf(new IsotropySwitch(0.5, 2, 1), new ValidationPlateauSwitch(1));
        assertFalse(rule.evaluate(new SwitchEvidence(1, 10, 0.5, 0.9)).isPresent());
        OptimizerState before = new OptimizerState("test");
        rule.exportState(before, "r/");
        assertThrows(IllegalArgumentException.class, () -> rule.evaluate(new SwitchEvidence(2, 20, Double.NaN, 0.9)));
        OptimizerState after = new OptimizerState("test");
        rule.exportState(after, "r/");
        assertEquals(before, after);
        assertEquals("isotropic noise: isotropy 0.900 >= 0.500 for 2 epochs",
                rule.evaluate(new SwitchEvidence(2, 20, 0.4, 0.9)).orElseThrow());
    }
}
