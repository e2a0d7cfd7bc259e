package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Model;
import geodesic.nn.Sequential;
import geodesic.optim.Adam;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointRestoreTest {
    @TempDir
    Path dir;

    private static Checkpoint of(Model m, Optimizer o, long step) {
        return Checkpoint.capture(m, o, new TrainingProgress(1, 0, step, 0, 16, 7, 100, 0, 0, 0),
                Provenance.of("test", m, o));
    }

    private static void assertUnchanged(Model before, Model after, Optimizer o, OptimizerState state) {
        ResumeBitExactTest.assertBitIdentical(before, after);
        assertEquals(state, o.exportState(), "optimizer state must be unchanged");
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedNamingTheLayerAndChangesNothing() {
        Sequential cnn = Fixtures.cnn(1);
        Checkpoint c = of(cnn, Sgd.withMomentum(cnn.parameters(), 0.1, 0.9), 3);
        Sequential wider = Sequential.builder(1, 6, 6).conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .flatten().dense(20).relu().dense(3).build(2);
        Optimizer o = Sgd.withMomentum(wider.parameters(), 0.1, 0.9);
        OptimizerState before = o.exportState();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.restore(wider, o));

        assertEquals("checkpoint parameter dense1.weight has shape [36, 12] but the model's is [36, 20]; it was taken "
                + "from another model", e.getMessage());
        assertUnchanged(Sequential.builder(1, 6, 6).conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .flatten().dense(20).relu().dense(3).build(2), wider, o, before);
    }

    @Test
    void missingAndExtraLayersAreNamed() {
        Sequential cnn = Fixtures.cnn(1);
        Checkpoint c = of(cnn, Sgd.plain(cnn.parameters(), 0.1), 0);
        Sequential mlp = Fixtures.mlp(1);
        Sequential deeper = Sequential.builder(1, 6, 6).conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .flatten().dense(12).relu().dense(12).relu().dense(3).build(1);

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> c.restore(mlp, Sgd.plain(mlp.parameters(), 0.1)));
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> of(deeper, Sgd.plain(deeper.parameters(), 0.1), 0).restore(cnn, Sgd.plain(cnn.parameters(), 1)));

        assertTrue(missing.getMessage().startsWith("checkpoint parameter dense1.weight has shape [36, 12] but the "
                + "model's is [36, 16]"), missing.getMessage());
        assertTrue(extra.getMessage().startsWith("checkpoint parameter dense2.weight has shape [12, 12] but the "
                + "model's is [12, 3]"), extra.getMessage());
        Sequential noBatchNorm = Sequential.builder(1, 6, 6).conv2d(4, 3, 1, 1).relu().maxPool2d(2)
                .flatten().dense(12).relu().dense(3).build(1);
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class,
                () -> c.restore(noBatchNorm, Sgd.plain(noBatchNorm.parameters(), 0.1)));
        assertTrue(bn.getMessage().startsWith("checkpoint parameter bn1.weight does not exist in the model"),
                bn.getMessage());
    }

    @Test
    void anotherOptimizerIsRefusedNamingBothAndChangesNothing() {
        Sequential m = Fixtures.cnn(1);
        Checkpoint c = of(m, Sgd.withMomentum(m.parameters(), 0.1, 0.9), 3);
        Sequential target = Fixtures.cnn(5);
        Optimizer adam = Adam.of(target.parameters());
        OptimizerState before = adam.exportState();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.restore(target, adam));

        assertTrue(e.getMessage().startsWith("checkpoint optimizer state does not fit this optimizer (adam")
                && e.getMessage().contains("'sgd'"), e.getMessage());
        assertUnchanged(Fixtures.cnn(5), target, adam, before);
    }

    @Test
    void plainSgdStateDoesNotFitMomentumNamingTheMissingEntry() {
        Sequential m = Fixtures.cnn(1);
        Checkpoint c = of(m, Sgd.plain(m.parameters(), 0.1), 3);
        Sequential target = Fixtures.cnn(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.restore(target, Sgd.withMomentum(target.parameters(), 0.1, 0.9)));

        assertTrue(e.getMessage().matches(".*has no entry [a-z_]+/conv1.weight.*"), e.getMessage());
    }

    @Test
    void directoryKeepsTheNewestAndRemovesLeftoversOfInterruptedWrites() throws IOException {
        Sequential m = Fixtures.cnn(1);
        Optimizer o = Sgd.plain(m.parameters(), 0.1);
        Path stale = Files.createDirectories(dir).resolve(".checkpoint-000000000003.ckpt.123.tmp");
        Files.write(stale, new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[1]);
        CheckpointDirectory d = CheckpointDirectory.open(dir, 2);
        assertTrue(!Files.exists(stale), "a temporary file of an interrupted write is deleted on open");

        for (long step : new long[] {5, 10, 15, 20}) {
            d.write(of(m, o, step));
        }

        assertEquals(List.of(dir.resolve("checkpoint-000000000015.ckpt"), dir.resolve("checkpoint-000000000020.ckpt")),
                d.list());
        assertEquals(20, d.latest().orElseThrow().checkpoint().progress().globalStep());
        assertTrue(Files.exists(dir.resolve("notes.txt")), "other files are left alone");
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOne() throws IOException {
        Sequential m = Fixtures.cnn(1);
        Optimizer o = Sgd.plain(m.parameters(), 0.1);
        CheckpointDirectory d = CheckpointDirectory.open(dir, 2);
        d.write(of(m, o, 1));
        Path newest = d.write(of(m, o, 2));
        byte[] b = Files.readAllBytes(newest);
        b[b.length - 5] ^= 0x10;
        Files.write(newest, b);

        CheckpointDirectory.Loaded l = d.latest().orElseThrow();

        assertEquals(1, l.checkpoint().progress().globalStep());
        assertEquals(dir.resolve("checkpoint-000000000001.ckpt"), l.file());
    }

    @Test
    void allCheckpointsDamagedIsAnErrorNamingTheNewestAndAnEmptyDirectoryIsEmpty() throws IOException {
        CheckpointDirectory d = CheckpointDirectory.open(dir.resolve("new"), 1);
        assertEquals(Optional.empty(), d.latest());
        Path bad = Files.write(dir.resolve("new").resolve("checkpoint-000000000004.ckpt"), new byte[40]);

        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, d::latest);

        assertEquals(bad.toString(), e.file());
    }

    @Test
    void keepMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointDirectory.open(dir, 0));
    }
}
