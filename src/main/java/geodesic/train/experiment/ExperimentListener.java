package geodesic.train.experiment;

import geodesic.train.EpochMetrics;
import java.util.List;
import java.util.Set;

/**
 * Observes an experiment grid. All methods run on the thread that called {@link ExperimentRunner#run}, in grid
 * order; {@code index} is the run's 1-based position in the grid. An exception thrown here stops the grid.
 */
public interface ExperimentListener {

    /**
     * Before the first run.
     *
     * @param runs        the whole grid, in order
     * @param finishedIds ids of the runs that finished earlier and will be skipped
     */
    default void onGridStart(List<RunSpec> runs, Set<String> finishedIds) {
    }

    /** Once the images are loaded (only when some run has to train). */
    default void onData(String description) {
    }

    /** A run that finished earlier and is not run again. */
    default void onRunSkipped(int index, RunSpec run, RunRecord record) {
    }

    /** A run about to train, with its optimizer's own description. */
    default void onRunStart(int index, RunSpec run, String optimizer, int epochs) {
    }

    /** After each epoch's evaluation. */
    default void onEpoch(int index, RunSpec run, EpochMetrics metrics) {
    }

    /** After a run's marker is written: it finished or diverged. */
    default void onRunEnd(int index, RunSpec run, RunRecord record) {
    }
}
