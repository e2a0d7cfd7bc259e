package geodesic.train.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where an experiment's files go under its output directory:
 * <pre>
 * runs/&lt;run id&gt;.csv        per-epoch metrics of one run: {@link #RUN_COLUMNS}, then the optimizer's diagnostics
 * runs/&lt;run id&gt;.done       its completion marker (RunRecord)
 * aggregate/&lt;group&gt;.csv    mean and standard deviation per epoch over a group's seeds
 * summary.csv, summary.md  one row per group: best and final test loss and accuracy, switch epoch, wall time
 * plots/*.png              curves per model (written by the CLI)
 * </pre>
 *
 * @param root the output directory
 */
public record ExperimentLayout(Path root) {
    /** The standard columns of a run CSV, those of {@link geodesic.train.CsvMetricsWriter}. */
    public static final List<String> RUN_COLUMNS = List.of("epoch", "train_loss", "val_loss", "val_acc", "test_loss",
            "test_acc", "lr", "epoch_seconds", "total_seconds", "images_per_s");

    public Path runCsv(RunSpec run) {
        return root.resolve("runs").resolve(run.id() + ".csv");
    }

    public Path marker(RunSpec run) {
        return root.resolve("runs").resolve(run.id() + ".done");
    }

    public Path aggregateCsv(String groupId) {
        return root.resolve("aggregate").resolve(groupId + ".csv");
    }

    public Path plots() {
        return root.resolve("plots");
    }

    public Path summaryCsv() {
        return root.resolve("summary.csv");
    }

    public Path summaryMarkdown() {
        return root.resolve("summary.md");
    }

    /**
     * The record of {@code run} if it finished (or diverged) with the same fingerprint and its CSV holds all the
     * epochs the record names; empty when the run has to be done (again).
     *
     * @throws IOException if an existing marker or CSV cannot be read
     */
    public Optional<RunRecord> finished(RunSpec run) throws IOException {
        Optional<RunRecord> record = RunRecord.read(marker(run));
        if (record.isEmpty() || !record.get().fingerprint().equals(run.fingerprint())) {
            return Optional.empty();
        }
        Path csv = runCsv(run);
        if (record.get().epochs() == 0) {
            return record;
        }
        if (!Files.exists(csv)) {
            return Optional.empty();
        }
        try {
            return CsvTable.read(csv).rows().size() == record.get().epochs() ? record : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
