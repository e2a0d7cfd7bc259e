package geodesic.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link SwitchRule#anyOf}: fires when one of its rules does. */
final class AnyOfSwitch implements SwitchRule {
    private final List<SwitchRule> rules;

    AnyOfSwitch(List<SwitchRule> rules) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one switch rule");
        }
        this.rules = List.copyOf(rules);
    }

    @Override
    public Optional<String> evaluate(SwitchEvidence evidence) {
        // Evaluate on snapshots first so that a rule refusing the evidence leaves every rule unchanged.
        OptimizerState before = new OptimizerState("switch-rule");
        exportState(before, "");
        List<Optional<String>> answers = new ArrayList<>(rules.size());
        try {
            for (SwitchRule r : rules) {
                answers.add(r.evaluate(evidence));
            }
        } catch (IllegalArgumentException e) {
            importState(before, "");
            throw e;
        }
        return answers.stream().flatMap(Optional::stream).findFirst();
    }

    @Override
    public String describe() {
        return rules.stream().map(SwitchRule::describe).collect(Collectors.joining(", ", "any-of(", ")"));
    }

    @Override
    public boolean needsIsotropy() {
        return rules.stream().anyMatch(SwitchRule::needsIsotropy);
    }

    @Override
    public void exportState(OptimizerState state, String prefix) {
        for (int i = 0; i < rules.size(); i++) {
            rules.get(i).exportState(state, prefix + i + "/");
        }
    }

    @Override
    public void importState(OptimizerState state, String prefix) {
        OptimizerState before = new OptimizerState("switch-rule");
        exportState(before, "");
        try {
            for (int i = 0; i < rules.size(); i++) {
                rules.get(i).importState(state, prefix + i + "/");
            }
        } catch (IllegalArgumentException e) {
            for (int i = 0; i < rules.size(); i++) {
                rules.get(i).importState(before, i + "/");
            }
            throw e;
        }
    }
}
