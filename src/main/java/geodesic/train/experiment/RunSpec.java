package geodesic.train.experiment;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of an experiment grid: a model, an optimizer with one combination of hyper-parameter values, a seed.
 *
 * @param id              file-safe name, unique in the grid, e.g. {@code "alexnet_sgd_seed1"}
 * @param model           model name, one of {@link ModelCatalog#NAMES}
 * @param entry           the configuration entry the optimizer comes from
 * @param group           the label of the runs that differ only in their seed: the entry's label, followed by
 *                        the values of the hyper-parameters that vary within the entry, e.g. {@code "sgd lr=0.1"}
 * @param hyperparameters the values of this run, epoch values already scaled, in key order
 * @param seed            seeds the model's initialisation and the batch order
 * @param fingerprint     everything that determines the run's results, compared with a finished run's record to
 *                        decide whether it can be reused
 */
public record RunSpec(String id, String model, OptimizerEntry entry, String group, Map<String, Object> hyperparameters,
                      long seed, String fingerprint) {

    public RunSpec {
        hyperparameters = Collections.unmodifiableSortedMap(new TreeMap<>(hyperparameters));
    }

    /** The optimizer's name. */
    public String optimizer() {
        return entry.name();
    }

    /** The group's file-safe name, e.g. {@code "alexnet_sgd-lr-0.1"}. */
    public String groupId() {
        return slug(model) + "_" + slug(group);
    }

    /**
     * Lower case, with every run of characters other than letters, digits, '.' and '-' replaced by one '-'.
     */
    static String slug(String s) {
        String lower = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.\\-]+", "-");
        return lower.replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    }
}
