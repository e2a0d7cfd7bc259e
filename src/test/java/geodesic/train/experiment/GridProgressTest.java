package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridProgressTest {

    private static EpochMetrics epoch(int e, double total) {
        return new EpochMetrics(e, 0.5, 0.6, 0.8, 0.7, 0.75, 0.1, total / 2, total, 1000);
    }

    @Test
    void etaCountsTheRestOfTheRunAndEveryLaterUnfinishedRunAtEachModelsPace() {
        List<RunSpec> runs = ExperimentConfig.parse("""
                {"name": "p", "data": {}, "epochs": 4, "seeds": [1, 2], "models": ["mlp", "cnn"],
                 "optimizers": [{"name": "sgd", "lr": 0.1}]}
                """, "p.json").runs();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GridProgress progress = new GridProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        progress.onGridStart(runs, Set.of("mlp_sgd_seed2"));
        progress.onRunStart(1, runs.get(0), "sgd(lr=0.1)", 4);
        assertEquals("?", progress.eta(1, 4), "nothing timed yet");
        progress.onEpoch(1, runs.get(0), epoch(1, 10));
        progress.onEpoch(1, runs.get(0), epoch(2, 20));
        // 2 epochs left here, then 2 cnn runs of 4 epochs at the mlp pace (the only one timed): 10 epochs of 10 s.
        assertEquals("1m40s", progress.eta(1, 2));
        progress.onRunEnd(1, runs.get(0), new RunRecord("", false, 4, 40, OptionalInt.empty(), "sgd", ""));
        progress.onRunSkipped(2, runs.get(1), new RunRecord("", false, 4, 40, OptionalInt.empty(), "sgd", ""));
        progress.onRunStart(3, runs.get(2), "sgd(lr=0.1)", 4);
        progress.onEpoch(3, runs.get(2), epoch(1, 30));
        // cnn pace 30 s: 3 epochs left here and 4 in the last run.
        assertEquals("3m30s", progress.eta(3, 3));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("grid runs=4 finished_earlier=1 to_train=3\n"), out);
        assertTrue(out.contains("run 1/4 start id=mlp_sgd_seed1 model=mlp seed=1 epochs=4 optimizer=sgd(lr=0.1)\n"),
                out);
        assertTrue(out.contains("run 1/4 epoch=2/4 train_loss=0.5000 val_loss=0.6000 val_acc=0.8000"
                + " test_loss=0.7000 test_acc=0.7500 lr=0.1000 seconds=10.0 eta=1m40s\n"), out);
        assertTrue(out.contains("run 2/4 skip id=mlp_sgd_seed2 status=finished"), out);
        assertTrue(out.contains("run 1/4 done id=mlp_sgd_seed1 status=finished epochs=4 switch_epoch=- wall_s=40.0"),
                out);
    }

    @Test
    void durationsReadAsHoursMinutesOrSeconds() {
        assertEquals("0s", GridProgress.duration(0.2));
        assertEquals("59s", GridProgress.duration(59.4));
        assertEquals("1m00s", GridProgress.duration(59.6));
        assertEquals("59m59s", GridProgress.duration(3599));
        assertEquals("1h00m", GridProgress.duration(3600));
        assertEquals("27h46m", GridProgress.duration(100_000));
    }
}
