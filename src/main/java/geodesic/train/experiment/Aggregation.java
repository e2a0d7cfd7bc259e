package geodesic.train.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects an experiment's finished runs into groups (same model and optimizer setting, different seeds) with
 * per-epoch mean and standard deviation, in grid order. Only the runs of the configuration are read, so stale
 * files of an older configuration in the same directory are ignored.
 */
public final class Aggregation {
    private Aggregation() {
    }

    /**
     * Reads every run of {@code config} that has a matching completion marker.
     *
     * @throws IOException              if a run file cannot be read
     * @throws IllegalArgumentException naming the file if a run CSV is malformed
     */
    public static List<GroupResult> collect(ExperimentConfig config) throws IOException {
        ExperimentLayout layout = new ExperimentLayout(config.output());
        Map<String, List<RunSpec>> groups = new LinkedHashMap<>();
        for (RunSpec run : config.runs()) {
            groups.computeIfAbsent(run.groupId(), k -> new ArrayList<>()).add(run);
        }
        List<GroupResult> results = new ArrayList<>();
        for (List<RunSpec> members : groups.values()) {
            List<RunSummary> summaries = new ArrayList<>();
            List<CsvTable> tables = new ArrayList<>();
            for (RunSpec run : members) {
                Optional<RunRecord> record = layout.finished(run);
                if (record.isEmpty()) {
                    continue;
                }
                CsvTable table = record.get().epochs() == 0 ? new CsvTable(ExperimentLayout.RUN_COLUMNS, List.of())
                        : CsvTable.read(layout.runCsv(run));
                summaries.add(RunSummary.of(run, record.get(), table));
                if (!record.get().diverged()) {
                    tables.add(table);
                }
            }
            RunSpec first = members.get(0);
            results.add(new GroupResult(first.model(), first.group(), first.groupId(), first.optimizer(),
                    first.hyperparameters(), members.size(), summaries, aggregate(tables)));
        }
        return results;
    }

    /**
     * Per row (epoch), the mean and sample standard deviation of every column but {@code epoch} over
     * {@code tables}, which share their columns; rows beyond the shortest table are dropped.
     *
     * @throws IllegalArgumentException if the tables' columns differ
     */
    static CsvTable aggregate(List<CsvTable> tables) {
        List<String> source = tables.isEmpty() ? ExperimentLayout.RUN_COLUMNS : tables.get(0).columns();
        for (CsvTable t : tables) {
            if (!t.columns().equals(source)) {
                throw new IllegalArgumentException("runs of one group have different columns: " + source + " and "
                        + t.columns());
            }
        }
        List<String> columns = new ArrayList<>(List.of("epoch", "runs"));
        List<Integer> measured = new ArrayList<>();
        for (int c = 0; c < source.size(); c++) {
            if (!source.get(c).equals("epoch")) {
                columns.add(source.get(c) + "_mean");
                columns.add(source.get(c) + "_std");
                measured.add(c);
            }
        }
        int epochColumn = source.indexOf("epoch");
        int rows = tables.stream().mapToInt(t -> t.rows().size()).min().orElse(0);
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double[] row = new double[columns.size()];
            row[0] = tables.get(0).rows().get(r)[epochColumn];
            row[1] = tables.size();
            int k = 2;
            for (int c : measured) {
                double[] values = new double[tables.size()];
                for (int t = 0; t < tables.size(); t++) {
                    values[t] = tables.get(t).rows().get(r)[c];
                }
                MeanStd m = MeanStd.of(values);
                row[k++] = m.mean();
                row[k++] = m.std();
            }
            out.add(row);
        }
        return new CsvTable(columns, out);
    }
}
