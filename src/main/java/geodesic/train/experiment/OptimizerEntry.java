package geodesic.train.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a configuration's {@code "optimizers"} list: an optimizer by name, the label its curves carry, and
 * the values to try for each hyper-parameter, per model. A hyper-parameter with several values makes a grid: every
 * combination is its own group of runs.
 *
 * @param name    the optimizer's name, one of {@link OptimizerCatalog#KNOWN}
 * @param label   the name its groups carry in files, plots and tables; distinct across entries
 * @param choices for each hyper-parameter (in file order), for each model, the values to try (numbers as
 *                {@link Double}, {@link Boolean}s and {@link String}s), never empty
 * @param path    where the entry is in its file, e.g. {@code "experiments/x.json: optimizers[2]"}, for messages
 */
public record OptimizerEntry(String name, String label, Map<String, Map<String, List<Object>>> choices, String path) {

    public OptimizerEntry {
        Map<String, Map<String, List<Object>>> copy = new LinkedHashMap<>();
        choices.forEach((key, byModel) -> {
            Map<String, List<Object>> m = new LinkedHashMap<>();
            byModel.forEach((model, values) -> {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(path + "." + key + ": no values for model " + model);
                }
                m.put(model, List.copyOf(values));
            });
            copy.put(key, Collections.unmodifiableMap(m));
        });
        choices = Collections.unmodifiableMap(copy);
    }

    /**
     * Every combination of this entry's hyper-parameter values for {@code model}, in file order (the last
     * hyper-parameter varies fastest), unscaled.
     *
     * @throws IllegalArgumentException if a hyper-parameter has no value for {@code model}
     */
    public List<Map<String, Object>> combinations(String model) {
        List<Map<String, Object>> result = new ArrayList<>();
        result.add(new LinkedHashMap<>());
        for (Map.Entry<String, Map<String, List<Object>>> e : choices.entrySet()) {
            List<Object> values = e.getValue().get(model);
            if (values == null) {
                throw new IllegalArgumentException(path + "." + e.getKey() + ": no value for model " + model);
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : result) {
                for (Object v : values) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            result = next;
        }
        return result;
    }

    /** The hyper-parameters that take more than one value for {@code model}, which therefore name its groups. */
    public List<String> variedKeys(String model) {
        return choices.entrySet().stream()
                .filter(e -> e.getValue().getOrDefault(model, List.of()).size() > 1)
                .map(Map.Entry::getKey)
                .toList();
    }
}
