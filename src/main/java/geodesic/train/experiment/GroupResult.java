package geodesic.train.experiment;

import java.util.List;
import java.util.Map;

/**
 * The runs of one group (one model, one optimizer setting, all seeds) and their per-epoch curves.
 *
 * @param model           the model
 * @param group           the group's label, e.g. {@code "tso-alra"} or {@code "sgd lr=0.1"}
 * @param groupId         its file-safe name, e.g. {@code "alexnet_tso-alra"}
 * @param optimizer       the optimizer's name
 * @param hyperparameters the group's hyper-parameter values (epochs scaled)
 * @param planned         runs the grid has for the group
 * @param runs            those with a completion marker, finished or diverged, in seed order
 * @param curves          per epoch over the finished (not diverged) runs: {@code epoch}, {@code runs}, then
 *                        {@code <column>_mean} and {@code <column>_std} for every other column of the run CSVs;
 *                        no rows when no run finished
 */
public record GroupResult(String model, String group, String groupId, String optimizer,
                          Map<String, Object> hyperparameters, int planned, List<RunSummary> runs, CsvTable curves) {

    public GroupResult {
        hyperparameters = Map.copyOf(hyperparameters);
        runs = List.copyOf(runs);
    }

    /** Runs that trained all their epochs. */
    public List<RunSummary> finished() {
        return runs.stream().filter(r -> !r.record().diverged()).toList();
    }

    /** Runs that stopped on a non-finite loss or gradient. */
    public int diverged() {
        return runs.size() - finished().size();
    }

    public MeanStd bestTestLoss() {
        return MeanStd.of(finished().stream().mapToDouble(RunSummary::bestTestLoss).toArray());
    }

    public MeanStd bestTestLossEpoch() {
        return MeanStd.of(finished().stream().mapToDouble(RunSummary::bestTestLossEpoch).toArray());
    }

    public MeanStd finalTestLoss() {
        return MeanStd.of(finished().stream().mapToDouble(RunSummary::finalTestLoss).toArray());
    }

    public MeanStd bestTestAccuracy() {
        return MeanStd.of(finished().stream().mapToDouble(RunSummary::bestTestAccuracy).toArray());
    }

    public MeanStd finalTestAccuracy() {
        return MeanStd.of(finished().stream().mapToDouble(RunSummary::finalTestAccuracy).toArray());
    }

    /** Over the finished runs whose optimizer recorded a switch; {@code n == 0} when none did. */
    public MeanStd switchEpoch() {
        return MeanStd.of(finished().stream().filter(r -> r.record().switchEpoch().isPresent())
                .mapToDouble(r -> r.record().switchEpoch().getAsInt()).toArray());
    }

    /** Wall time per run in minutes, over the finished runs. */
    public MeanStd wallMinutes() {
        return MeanStd.of(finished().stream().mapToDouble(r -> r.record().wallSeconds() / 60).toArray());
    }

    /** The epochs of {@link #curves()}. */
    public double[] epochs() {
        return curves.column("epoch");
    }

    /**
     * The per-epoch mean of a run CSV column, e.g. {@code "test_loss"}.
     *
     * @throws IllegalArgumentException if the run CSVs have no such column
     */
    public double[] mean(String column) {
        return curves.column(column + "_mean");
    }

    /**
     * The per-epoch sample standard deviation of a run CSV column ({@code NaN} with fewer than two runs).
     *
     * @throws IllegalArgumentException if the run CSVs have no such column
     */
    public double[] std(String column) {
        return curves.column(column + "_std");
    }
}
