package geodesic.train.experiment;

import geodesic.optim.Optimizer;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * An optimizer built for one run, with what the runner records besides the standard metrics.
 *
 * @param optimizer   the optimizer the trainer drives (which tells an {@link geodesic.optim.EpochAware} one of
 *                    each epoch's end)
 * @param switchEpoch the epoch after which a two-stage optimizer switched to SGD, read once the run is over; empty
 *                    when it did not switch or cannot
 * @param diagnostics extra per-epoch quantities (e.g. {@code "isotropy"}), sampled after each epoch's evaluation
 *                    and written as extra CSV columns in name order
 */
public record ExperimentOptimizer(Optimizer optimizer, Supplier<OptionalInt> switchEpoch,
                                  Map<String, DoubleSupplier> diagnostics) {

    public ExperimentOptimizer {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(switchEpoch, "switchEpoch");
        diagnostics = Collections.unmodifiableSortedMap(new TreeMap<>(diagnostics));
    }

    /** An optimizer with no switch and no diagnostics. */
    public static ExperimentOptimizer of(Optimizer optimizer) {
        return new ExperimentOptimizer(optimizer, OptionalInt::empty, Map.of());
    }
}
