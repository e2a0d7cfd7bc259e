package geodesic.train.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes an experiment's aggregated results: one {@code aggregate/<group>.csv} per group (per-epoch mean and
 * standard deviation over seeds), {@code summary.csv} and the Markdown table {@code summary.md}. Each file is
 * written atomically.
 *
 * <p>The table has one row per group: the runs that finished, best test loss (each run's lowest, then mean ± sample
 * standard deviation over seeds) and the epoch it was reached, final test loss, best and final test accuracy, the
 * epoch after which the optimizer switched to SGD (empty for optimizers that do not switch), and wall time per run.
 */
public final class ExperimentReport {
    private ExperimentReport() {
    }

    /**
     * Writes all files.
     *
     * @param figures images to show under the table (e.g. the CLI's plots), linked relative to the output directory
     * @return the files written
     * @throws IOException naming a file that cannot be written
     */
    public static List<Path> write(ExperimentConfig config, List<GroupResult> groups, List<Path> figures)
            throws IOException {
        ExperimentLayout layout = new ExperimentLayout(config.output());
        List<Path> written = new ArrayList<>();
        for (GroupResult g : groups) {
            Path csv = layout.aggregateCsv(g.groupId());
            AtomicFiles.write(csv, g.curves().format());
            written.add(csv);
        }
        AtomicFiles.write(layout.summaryCsv(), summaryCsv(groups));
        written.add(layout.summaryCsv());
        AtomicFiles.write(layout.summaryMarkdown(), markdown(config, groups, figures));
        written.add(layout.summaryMarkdown());
        return written;
    }

    /** The summary as CSV: text columns first, then each statistic's mean and standard deviation. */
    static String summaryCsv(List<GroupResult> groups) {
        StringBuilder sb = new StringBuilder("model,group,optimizer,runs_planned,runs_finished,runs_diverged,"
                + "best_test_loss_mean,best_test_loss_std,best_test_loss_epoch_mean,best_test_loss_epoch_std,"
                + "final_test_loss_mean,final_test_loss_std,best_test_acc_mean,best_test_acc_std,"
                + "final_test_acc_mean,final_test_acc_std,switch_epoch_mean,switch_epoch_std,"
                + "wall_minutes_mean,wall_minutes_std\n");
        for (GroupResult g : groups) {
            sb.append(g.model()).append(',').append(g.group().replace(',', ';')).append(',').append(g.optimizer())
                    .append(',').append(g.planned()).append(',').append(g.finished().size()).append(',')
                    .append(g.diverged());
            for (MeanStd m : List.of(g.bestTestLoss(), g.bestTestLossEpoch(), g.finalTestLoss(),
                    g.bestTestAccuracy(), g.finalTestAccuracy(), g.switchEpoch(), g.wallMinutes())) {
                sb.append(',').append(CsvTable.number(m.mean())).append(',').append(CsvTable.number(m.std()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The Markdown page: title, protocol, data, seeds, the table, then the figures. */
    static String markdown(ExperimentConfig config, List<GroupResult> groups, List<Path> figures) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(config.name()).append("\n\n");
        if (!config.description().isBlank()) {
            sb.append(config.description()).append("\n\n");
        }
        sb.append("- Configuration: `").append(config.source()).append("`\n");
        sb.append("- Protocol: ").append(config.protocol().describe()).append('\n');
        sb.append("- Data: ").append(config.data().describe()).append('\n');
        sb.append("- Seeds: ").append(config.seeds().stream().map(String::valueOf).collect(Collectors.joining(", ")))
                .append("; values are mean ± sample standard deviation over the seeds that finished. Best test loss"
                        + " is each run's lowest over its epochs, at the epoch in the next column.\n\n");
        sb.append("| Model | Optimizer | Hyper-parameters | Runs | Best test loss | Epoch of best | Final test loss"
                + " | Best test acc. | Final test acc. | Switch epoch | Wall time (min) |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (GroupResult g : groups) {
            sb.append("| ").append(g.model())
                    .append(" | ").append(g.group().replace("|", "\\|"))
                    .append(" | ").append(hyperparameters(g.hyperparameters()))
                    .append(" | ").append(runs(g))
                    .append(" | ").append(g.bestTestLoss().format(4))
                    .append(" | ").append(g.bestTestLossEpoch().format(1))
                    .append(" | ").append(g.finalTestLoss().format(4))
                    .append(" | ").append(g.bestTestAccuracy().format(4))
                    .append(" | ").append(g.finalTestAccuracy().format(4))
                    .append(" | ").append(switchEpoch(g))
                    .append(" | ").append(g.wallMinutes().format(1))
                    .append(" |\n");
        }
        if (!figures.isEmpty()) {
            sb.append('\n');
            Path root = config.output().toAbsolutePath();
            for (Path f : figures) {
                String rel = root.relativize(f.toAbsolutePath()).toString().replace('\\', '/');
                String name = f.getFileName().toString().replaceFirst("\\.png$", "").replace('-', ' ');
                sb.append("![").append(name).append("](").append(rel).append(")\n\n");
            }
        }
        return sb.toString();
    }

    /**
     * The switch epoch as the table shows it: the epoch when every run switched at the same one, else mean ± std,
     * empty when no run switched.
     */
    public static String switchEpoch(GroupResult g) {
        MeanStd sw = g.switchEpoch();
        if (sw.n() == 0) {
            return "";
        }
        return sw.n() == 1 || sw.std() == 0 ? Long.toString(Math.round(sw.mean())) : sw.format(1);
    }

    private static String runs(GroupResult g) {
        String s = Integer.toString(g.finished().size());
        if (g.finished().size() < g.planned()) {
            s += "/" + g.planned();
            List<String> notes = new ArrayList<>();
            if (g.diverged() > 0) {
                notes.add(g.diverged() + " diverged");
            }
            int missing = g.planned() - g.runs().size();
            if (missing > 0) {
                notes.add(missing + " not run");
            }
            s += " (" + String.join(", ", notes) + ")";
        }
        return s;
    }

    private static String hyperparameters(Map<String, Object> h) {
        return new TreeMap<>(h).entrySet().stream()
                .map(e -> e.getKey() + "=" + ExperimentConfig.format(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
