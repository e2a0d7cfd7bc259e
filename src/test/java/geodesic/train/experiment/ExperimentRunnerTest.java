package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.optim.EpochAware;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.optim.Sgd;
import geodesic.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunnerTest {
    /** Columns that depend only on the seed, not on timing. */
    private static final List<String> DETERMINISTIC = List.of("epoch", "train_loss", "val_loss", "val_acc",
            "test_loss", "test_acc", "lr");

    /** SGD that reports a switch after a fixed epoch, the way TSO-ALRA does, and records its epoch ends. */
    private static class SwitchingSgd implements Optimizer, EpochAware {
        private final Sgd sgd;
        private final int switchAfter;
        private final List<String> epochEnds = new ArrayList<>();
        private int switched;

        SwitchingSgd(Sgd sgd, int switchAfter) {
            this.sgd = sgd;
            this.switchAfter = switchAfter;
        }

        @Override
        public void onEpochEnd(int epoch, double validationLoss) {
            epochEnds.add(epoch + (Double.isFinite(validationLoss) ? ":finite" : ":" + validationLoss));
            if (epoch == switchAfter) {
                switched = epoch;
            }
        }

        @Override
        public void step() {
            sgd.step();
        }

        @Override
        public double learningRate() {
            return sgd.learningRate();
        }

        @Override
        public void setLearningRate(double lr) {
            sgd.setLearningRate(lr);
        }

        @Override
        public long stepCount() {
            return sgd.stepCount();
        }

        @Override
        public String describe() {
            return "switching-" + sgd.describe();
        }

        @Override
        public OptimizerState exportState() {
            return sgd.exportState();
        }

        @Override
        public void importState(OptimizerState state) {
            sgd.importState(state);
        }
    }

    /** Records the listener calls as {@code "start <id>"}, {@code "skip <id>"}, {@code "end <id> <status>"}. */
    private static final class Recorder implements ExperimentListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onRunSkipped(int index, RunSpec run, RunRecord record) {
            events.add("skip " + run.id());
        }

        @Override
        public void onRunStart(int index, RunSpec run, String optimizer, int epochs) {
            events.add("start " + run.id());
        }

        @Override
        public void onEpoch(int index, RunSpec run, EpochMetrics metrics) {
            events.add("epoch " + run.id() + " " + metrics.epoch());
        }

        @Override
        public void onRunEnd(int index, RunSpec run, RunRecord record) {
            events.add("end " + run.id() + (record.diverged() ? " diverged" : " finished"));
        }

        List<String> starts() {
            return events.stream().filter(e -> e.startsWith("start ")).map(e -> e.substring(6)).toList();
        }
    }

    private final List<SwitchingSgd> switching = new ArrayList<>();

    private OptimizerCatalog catalog() {
        return OptimizerCatalog.standard()
                .with("tso-alra", h -> {
                    double lr = h.number("lr", 0, 1);
                    int after = h.epoch("switchEpoch").orElseThrow();
                    return run -> {
                        SwitchingSgd o = new SwitchingSgd(Sgd.plain(run.model().parameters(), lr), after);
                        switching.add(o);
                        return new ExperimentOptimizer(o,
                                () -> o.switched == 0 ? OptionalInt.empty() : OptionalInt.of(o.switched),
                                Map.of("isotropy", () -> o.epochEnds.size() + 0.5));
                    };
                })
                .with("broken", h -> {
                    double lr = h.number("lr", 0, 1);
                    return run -> ExperimentOptimizer.of(new SwitchingSgd(Sgd.plain(run.model().parameters(),
                            lr), 0) {
                        @Override
                        public void step() {
                            if (stepCount() == 2) {
                                throw new ArithmeticException("gradient became NaN at step 3");
                            }
                            super.step();
                        }
                    });
                });
    }

    private static ExperimentConfig config(Path out, String sgdRate) {
        return ExperimentConfig.parse("""
                {"name": "runner", "output": "%s",
                 "data": {"source": "embedded", "trainSubset": 300, "testSubset": 100},
                 "epochs": 4, "epochScale": 0.5, "batchSize": 64, "seeds": [1, 2], "models": ["mlp"],
                 "optimizers": [{"name": "sgd", "lr": %s},
                                {"name": "tso-alra", "lr": 0.05, "switchEpoch": 2},
                                {"name": "broken", "lr": 0.05}]}
                """.formatted(out.toString().replace("\\", "\\\\"), sgdRate), "runner.json");
    }

    private void run(ExperimentConfig config, ExperimentListener listener) throws IOException {
        new ExperimentRunner(config, catalog(), Parallelism.sequential(), null, List.of(listener)).run();
    }

    private static double[][] deterministicColumns(Path csv) throws IOException {
        CsvTable t = CsvTable.read(csv);
        return DETERMINISTIC.stream().map(t::column).toArray(double[][]::new);
    }

    @Test
    void trainsEveryRunRecordingMetricsSwitchesDiagnosticsAndDivergence(@TempDir Path dir) throws IOException {
        ExperimentConfig config = config(dir, "0.05");
        Recorder recorder = new Recorder();
        run(config, recorder);
        ExperimentLayout layout = new ExperimentLayout(dir);
        assertEquals(List.of("mlp_sgd_seed1", "mlp_sgd_seed2", "mlp_tso-alra_seed1", "mlp_tso-alra_seed2",
                "mlp_broken_seed1", "mlp_broken_seed2"), recorder.starts());
        assertTrue(recorder.events.contains("end mlp_broken_seed1 diverged"), recorder.events.toString());
        assertTrue(recorder.events.contains("end mlp_sgd_seed2 finished"), recorder.events.toString());

        RunSpec sgd = config.runs().get(0);
        CsvTable sgdCsv = CsvTable.read(layout.runCsv(sgd));
        assertEquals(ExperimentLayout.RUN_COLUMNS, sgdCsv.columns());
        assertArrayEquals(new double[] {1, 2}, sgdCsv.column("epoch"));
        for (double loss : sgdCsv.column("test_loss")) {
            assertTrue(loss > 0 && loss < 5, "test loss " + loss);
        }
        assertFalse(Double.isNaN(sgdCsv.column("val_loss")[0]), "validation is carved from the training images");

        RunSpec tso = config.runs().get(2);
        RunRecord tsoRecord = layout.finished(tso).orElseThrow();
        assertEquals(OptionalInt.of(1), tsoRecord.switchEpoch(), "switchEpoch 2 at scale 0.5 is epoch 1");
        assertTrue(tsoRecord.optimizer().startsWith("switching-sgd("), tsoRecord.optimizer());
        assertEquals(List.of("1:finite", "2:finite"), switching.get(0).epochEnds);
        assertArrayEquals(new double[] {1.5, 2.5}, CsvTable.read(layout.runCsv(tso)).column("isotropy"),
                "diagnostics are sampled once per epoch, after the optimizer heard of its end");

        RunRecord broken = layout.finished(config.runs().get(4)).orElseThrow();
        assertTrue(broken.diverged());
        assertEquals(0, broken.epochs());
        assertTrue(broken.failure().contains("gradient became NaN at step 3"), broken.failure());
    }

    @Test
    void resumingSkipsFinishedRunsAndRedoesIncompleteOnesIdentically(@TempDir Path dir) throws IOException {
        ExperimentConfig config = config(dir, "0.05");
        run(config, new Recorder());
        ExperimentLayout layout = new ExperimentLayout(dir);
        RunSpec sgd2 = config.runs().get(1);
        RunSpec tso1 = config.runs().get(2);
        double[][] sgd2Before = deterministicColumns(layout.runCsv(sgd2));
        double[][] tso1Before = deterministicColumns(layout.runCsv(tso1));

        Recorder untouched = new Recorder();
        run(config, untouched);
        assertEquals(List.of(), untouched.starts(), "everything finished, divergences included");
        assertEquals(6, untouched.events.stream().filter(e -> e.startsWith("skip ")).count());

        Files.delete(layout.marker(sgd2));
        List<String> lines = Files.readAllLines(layout.runCsv(tso1));
        Files.writeString(layout.runCsv(tso1), lines.get(0) + "\n" + lines.get(1) + "\n");
        Recorder resumed = new Recorder();
        run(config, resumed);
        assertEquals(List.of("mlp_sgd_seed2", "mlp_tso-alra_seed1"), resumed.starts());
        assertArrayEquals(sgd2Before, deterministicColumns(layout.runCsv(sgd2)));
        assertArrayEquals(tso1Before, deterministicColumns(layout.runCsv(tso1)));
    }

    @Test
    void changedSettingsInvalidateAFinishedRunOfTheSameName(@TempDir Path dir) throws IOException {
        run(config(dir, "0.05"), new Recorder());
        Recorder recorder = new Recorder();
        run(config(dir, "0.02"), recorder);
        assertEquals(List.of("mlp_sgd_seed1", "mlp_sgd_seed2"), recorder.starts());
        RunRecord record = new ExperimentLayout(dir).finished(config(dir, "0.02").runs().get(0)).orElseThrow();
        assertTrue(record.fingerprint().contains("lr=0.02"), record.fingerprint());
    }

    @Test
    void aMistakeInAnyEntryStopsTheGridBeforeAnythingTrains(@TempDir Path dir) {
        Path out = dir.resolve("out");
        ExperimentConfig config = ExperimentConfig.parse("""
                {"name": "bad", "output": "%s", "data": {"source": "embedded"}, "epochs": 1, "seeds": [1],
                 "models": ["mlp"], "optimizers": [{"name": "sgd", "lr": 0.1}, {"name": "momentum", "lr": 0.1,
                 "momentun": 0.9}]}
                """.formatted(out.toString().replace("\\", "\\\\")), "bad.json");
        Recorder recorder = new Recorder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(config, recorder));
        assertTrue(e.getMessage().startsWith("bad.json: optimizers[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("momentum has no hyper-parameter \"momentun\""), e.getMessage());
        assertEquals(List.of(), recorder.events);
        assertFalse(Files.exists(out));
    }
}
