package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AggregationTest {

    private static ExperimentConfig config(Path out, int seeds) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= seeds; i++) {
            s.append(i == 1 ? "" : ", ").append(i);
        }
        return ExperimentConfig.parse("""
                {"name": "agg", "description": "synthetic runs", "output": "%s", "data": {}, "epochs": 3,
                 "seeds": [%s], "models": ["mlp"],
                 "optimizers": [{"name": "sgd", "lr": 0.1},
                                {"name": "tso-alra", "lr": 0.01, "switchEpoch": 2}]}
                """.formatted(out.toString().replace("\\", "\\\\"), s), "agg.json");
    }

    /** Writes a finished run with the given test losses (and accuracies 1 - loss / 4). */
    private static void finish(ExperimentLayout layout, RunSpec run, double[] testLoss, OptionalInt switchEpoch,
                               boolean diverged) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (int e = 0; e < testLoss.length; e++) {
            rows.add(new double[] {e + 1, 2 * testLoss[e], Double.NaN, Double.NaN, testLoss[e], 1 - testLoss[e] / 4,
                0.1, 1.5, 2.0 * (e + 1), 100});
        }
        Files.createDirectories(layout.runCsv(run).getParent());
        Files.writeString(layout.runCsv(run), new CsvTable(ExperimentLayout.RUN_COLUMNS, rows).format());
        new RunRecord(run.fingerprint(), diverged, testLoss.length, 60 * (1 + run.seed()), switchEpoch, "opt",
                diverged ? "loss became NaN" : "").write(layout.marker(run));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 33})
    void perEpochMeanAndSampleStdMatchAFloat64Reference(int runs) {
        Random random = new Random(runs);
        int epochs = 9;
        List<CsvTable> tables = new ArrayList<>();
        double[][] loss = new double[runs][epochs];
        for (int r = 0; r < runs; r++) {
            List<double[]> rows = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                loss[r][e] = 1000 + random.nextGaussian();
                rows.add(new double[] {e + 1, loss[r][e]});
            }
            tables.add(new CsvTable(List.of("epoch", "test_loss"), rows));
        }
        CsvTable agg = Aggregation.aggregate(tables);
        assertEquals(List.of("epoch", "runs", "test_loss_mean", "test_loss_std"), agg.columns());
        double maxRel = 0;
        for (int e = 0; e < epochs; e++) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int r = 0; r < runs; r++) {
                sum = sum.add(new BigDecimal(loss[r][e]));
            }
            BigDecimal mean = sum.divide(BigDecimal.valueOf(runs), MathContext.DECIMAL128);
            BigDecimal ss = BigDecimal.ZERO;
            for (int r = 0; r < runs; r++) {
                BigDecimal d = new BigDecimal(loss[r][e]).subtract(mean);
                ss = ss.add(d.multiply(d));
            }
            double[] row = agg.rows().get(e);
            assertEquals(e + 1, row[0]);
            assertEquals(runs, row[1]);
            maxRel = Math.max(maxRel, Math.abs(row[2] - mean.doubleValue()) / mean.doubleValue());
            if (runs == 1) {
                assertTrue(Double.isNaN(row[3]), "one run has no sample standard deviation");
            } else {
                double std = Math.sqrt(ss.divide(BigDecimal.valueOf(runs - 1), MathContext.DECIMAL128).doubleValue());
                maxRel = Math.max(maxRel, Math.abs(row[3] - std) / std);
            }
        }
        assertTrue(maxRel < 1e-9 * runs, "max relative error " + maxRel);
    }

    @Test
    void meanStdIgnoresMissingValuesAndFormatsLikeTheTable() {
        MeanStd m = MeanStd.of(1, Double.NaN, 2, 4);
        assertEquals(3, m.n());
        assertEquals(7.0 / 3, m.mean(), 1e-15);
        assertEquals(Math.sqrt(7.0 / 3), m.std(), 1e-15);
        assertEquals("2.33 ± 1.53", m.format(2));
        assertEquals("5.0", MeanStd.of(5).format(1));
        assertEquals("", MeanStd.of(Double.NaN).format(1));
    }

    @Test
    void runSummaryTakesTheEarliestBestEpochAndTheLastValues() {
        CsvTable t = new CsvTable(List.of("epoch", "test_loss", "test_acc"), List.of(
                new double[] {1, 0.9, 0.6}, new double[] {2, 0.5, 0.8}, new double[] {3, 0.5, 0.85},
                new double[] {4, 0.7, 0.7}));
        RunSummary s = RunSummary.of(null, null, t);
        assertEquals(0.5, s.bestTestLoss());
        assertEquals(2, s.bestTestLossEpoch());
        assertEquals(0.7, s.finalTestLoss());
        assertEquals(0.85, s.bestTestAccuracy());
        assertEquals(0.7, s.finalTestAccuracy());
    }

    @Test
    void groupsSummariseSeedsReadSwitchRecordsAndLeaveDivergedRunsOutOfTheCurves(@TempDir Path dir)
            throws IOException {
        ExperimentConfig c = config(dir, 3);
        ExperimentLayout layout = new ExperimentLayout(dir);
        List<RunSpec> runs = c.runs();
        finish(layout, runs.get(0), new double[] {0.9, 0.6, 0.7}, OptionalInt.empty(), false);
        finish(layout, runs.get(1), new double[] {0.8, 0.5, 0.6}, OptionalInt.empty(), false);
        finish(layout, runs.get(2), new double[] {0.8}, OptionalInt.empty(), true);
        finish(layout, runs.get(3), new double[] {0.7, 0.4, 0.3}, OptionalInt.of(2), false);
        finish(layout, runs.get(4), new double[] {0.6, 0.4, 0.35}, OptionalInt.of(2), false);

        List<GroupResult> groups = Aggregation.collect(c);
        assertEquals(2, groups.size());
        GroupResult sgd = groups.get(0);
        assertEquals("mlp_sgd", sgd.groupId());
        assertEquals(3, sgd.runs().size());
        assertEquals(2, sgd.finished().size());
        assertEquals(1, sgd.diverged());
        assertEquals(0.55, sgd.bestTestLoss().mean(), 1e-12);
        assertEquals(0.65, sgd.finalTestLoss().mean(), 1e-12);
        assertEquals(Math.sqrt(0.005), sgd.finalTestLoss().std(), 1e-12);
        assertEquals(0, sgd.switchEpoch().n());
        assertEquals(3, sgd.epochs().length, "the diverged run's single epoch does not cut the curves");
        assertEquals(0.85, sgd.mean("test_loss")[0], 1e-12);
        assertEquals(2.5, sgd.wallMinutes().mean(), 1e-12);

        GroupResult tso = groups.get(1);
        assertEquals(2, tso.switchEpoch().mean());
        assertEquals(3, tso.planned());
        assertEquals(2, tso.runs().size(), "the third seed has not run");

        Path figure = dir.resolve("plots").resolve("mlp-test-loss.png");
        ExperimentReport.write(c, groups, List.of(figure));
        String md = Files.readString(layout.summaryMarkdown());
        assertTrue(md.contains("| mlp | sgd | lr=0.1 | 2/3 (1 diverged) | 0.5500 ± 0.0707 | 2.0 ± 0.0 |"
                + " 0.6500 ± 0.0707 |"), md);
        assertTrue(md.contains("| mlp | tso-alra | lr=0.01, switchEpoch=2 | 2/3 (1 not run) | 0.3250 ± 0.0354 |"
                + " 3.0 ± 0.0 | 0.3250 ± 0.0354 |"), md);
        assertTrue(md.contains("| 2 | 2.5 ± 0.7 |\n"), "switch epoch, then wall time, of tso-alra: " + md);
        assertTrue(md.contains("|  | 2.5 ± 0.7 |\n"), "no switch column for sgd: " + md);
        assertTrue(md.contains("![mlp test loss](plots/mlp-test-loss.png)"), md);
        assertTrue(md.contains("synthetic runs"), md);

        List<String> summary = Files.readAllLines(layout.summaryCsv());
        assertEquals(3, summary.size());
        assertTrue(summary.get(2).startsWith("mlp,tso-alra,tso-alra,3,2,0,0.325000,0.0353553,"), summary.get(2));
        CsvTable aggregate = CsvTable.read(layout.aggregateCsv("mlp_tso-alra"));
        assertEquals(0.325, aggregate.column("test_loss_mean")[2], 1e-6);
    }

    @Test
    void staleRunsOfAnotherConfigurationAreIgnored(@TempDir Path dir) throws IOException {
        ExperimentConfig c = config(dir, 1);
        ExperimentLayout layout = new ExperimentLayout(dir);
        RunSpec run = c.runs().get(0);
        finish(layout, run, new double[] {0.9, 0.6, 0.7}, OptionalInt.empty(), false);
        ExperimentConfig longer = ExperimentConfig.parse("""
                {"name": "agg", "output": "%s", "data": {}, "epochs": 4, "seeds": [1], "models": ["mlp"],
                 "optimizers": [{"name": "sgd", "lr": 0.1}]}
                """.formatted(dir.toString().replace("\\", "\\\\")), "agg.json");
        assertEquals(run.id(), longer.runs().get(0).id());
        assertEquals(0, Aggregation.collect(longer).get(0).runs().size());
        assertEquals(1, Aggregation.collect(c).get(0).runs().size());
    }
}
