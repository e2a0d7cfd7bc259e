package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Sequential;
import geodesic.optim.Optimizer;
import geodesic.optim.OptimizerState;
import geodesic.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir
    Path dir;

    /** A checkpoint of a CNN after a few momentum steps, with odd values that must survive bit for bit. */
    static Checkpoint sample() {
        Sequential m = Fixtures.cnn(3);
        Optimizer o = Fixtures.optimizers().get(1).on(m);
        Trainer.builder(m, o).epochs(1).batchSize(16).seed(5).build().fit(Fixtures.blobs(40, 1), null, null);
        Checkpoint c = Checkpoint.capture(m, o, new TrainingProgress(2, 1, 3, 5, 16, 3, 40, 12.5, 16, 1),
                new Provenance("cli: train --model cnn — ünïcode", "dev", "25", "k", "e", o.describe(),
                        m.toString()));
        float[] w = c.parameters().get("dense2.bias").data();
        w[0] = Float.intBitsToFloat(0x7fc01234);
        w[1] = -0f;
        w[2] = Float.MIN_VALUE;
        c.optimizerState().putDoubles("extra", new double[] {Double.longBitsToDouble(0x7ff8000000000abcL), -0.0})
                .putString("phase", "kronecker").putLong("big", Long.MIN_VALUE);
        return c;
    }

    @Test
    void writeThenReadGivesBitIdenticalContents() throws IOException {
        Checkpoint c = sample();
        Path f = dir.resolve("a.ckpt");
        CheckpointFile.write(f, c);

        Checkpoint r = CheckpointFile.read(f);

        assertEquals(c.progress(), r.progress());
        assertEquals(c.provenance(), r.provenance());
        assertBitIdentical(c.parameters(), r.parameters());
        assertBitIdentical(c.buffers(), r.buffers());
        assertTrue(!r.buffers().isEmpty(), "batch norm running statistics are checkpointed");
        assertEquals(c.optimizerState(), r.optimizerState());
        assertEquals(0x7ff8000000000abcL, Double.doubleToRawLongBits(r.optimizerState().doubles("extra")[0]));
        assertEquals(List.copyOf(c.parameters().keySet()), List.copyOf(r.parameters().keySet()), "model order");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void writeReplacesAnExistingCheckpointAtomically() throws IOException {
        Path f = dir.resolve("a.ckpt");
        Checkpoint first = sample();
        CheckpointFile.write(f, first);
        OptimizerState other = new OptimizerState("sgd").putLong("steps", 9).putDoubles("lr", new double[] {0.1});
        Checkpoint second = new Checkpoint(first.progress(), first.provenance(), first.parameters(), Map.of(), other);

        CheckpointFile.write(f, second);

        assertEquals(other, CheckpointFile.read(f).optimizerState());
    }

    @Test
    void everySingleByteFlipIsDetected() throws IOException {
        Path f = dir.resolve("a.ckpt");
        CheckpointFile.write(f, sample());
        byte[] valid = Files.readAllBytes(f);
        Path bad = dir.resolve("bad.ckpt");
        // Rewritten in place through one channel: closing a truncated file makes ext4 flush it (2 ms each).
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < valid.length; i++) {
                byte[] b = valid.clone();
                b[i] ^= (byte) (1 << (i % 8));
                ch.write(ByteBuffer.wrap(b), 0);
                int at = i;
                CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                        () -> CheckpointFile.read(bad), "flipped bit in byte " + at);
                assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
            }
        }
    }

    @Test
    void problemsAreNamedInTheOrderTheyAreChecked() throws IOException {
        Path f = dir.resolve("a.ckpt");
        CheckpointFile.write(f, sample());
        byte[] valid = Files.readAllBytes(f);

        assertProblem(new byte[0], "truncated header: 0 of the 32 header bytes");
        assertProblem("GEODCK".getBytes(), "truncated header: 6 of the 32 header bytes");
        assertProblem("PK\3\4 zip archive, not a checkpoint....".getBytes(), "bad magic");
        assertProblem(patched(valid, 8, ByteBuffer.allocate(4).putInt(2).array()), "format version 2 is not supported");
        assertProblem(patched(valid, 16, ByteBuffer.allocate(8).putLong(1L << 40).array()), "header checksum");
        assertProblem(Arrays.copyOf(valid, valid.length - 1), "truncated: header declares");
        assertProblem(Arrays.copyOf(valid, valid.length + 3), "but the file holds");
        byte[] flipped = valid.clone();
        flipped[valid.length / 2] ^= 1;
        assertProblem(flipped, "payload checksum mismatch");
    }

    @Test
    void readNamesAMissingFileThroughNoSuchFileException() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CheckpointFile.read(dir.resolve("none.ckpt")));
    }

    @Test
    void aCheckpointWithAHugeDeclaredArrayIsRefusedWithoutAllocatingIt() throws IOException {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", Tensor.zeros(2));
        Checkpoint c = new Checkpoint(new TrainingProgress(1, 0, 0, 0, 1, 1, 1, 0, 0, 0),
                new Provenance("", "", "", "", "", "", ""), params, Map.of(), new OptimizerState("x"));
        Path f = dir.resolve("a.ckpt");
        CheckpointFile.write(f, c);
        byte[] b = Files.readAllBytes(f);
        // The float count of "w" precedes its 8 value bytes, the empty buffers (4) and the optimizer section (21).
        int countAt = b.length - 4 - 8 - 4 - 21;
        assertEquals(2, ByteBuffer.wrap(b, countAt, 4).getInt());
        ByteBuffer.wrap(b).putInt(countAt, Integer.MAX_VALUE - 8);
        Path lie = dir.resolve("lie.ckpt");
        Files.write(lie, TestFiles.withValidChecksums(b));

        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(lie));

        assertTrue(e.getMessage().contains("parameter w declares 2147483639 values of 4 bytes but only"),
                e.getMessage());
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("a.ckpt");
        Checkpoint c = sample();
        CheckpointFile.write(f, c);
        byte[] before = Files.readAllBytes(f);
        // Parameters and all are written before the provenance string that is over the limit fails.
        Provenance tooLong = new Provenance("x".repeat(CheckpointFile.MAX_STRING_BYTES + 1), "", "", "", "", "", "");
        Checkpoint failing = new Checkpoint(c.progress(), tooLong, c.parameters(), c.buffers(), c.optimizerState());

        assertThrows(IllegalArgumentException.class, () -> CheckpointFile.write(f, failing));

        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    private void assertProblem(byte[] content, String problem) throws IOException {
        Path p = Files.write(dir.resolve("problem.ckpt"), content);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(p));
        assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains(problem),
                "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(p.toString(), e.file());
    }

    private static byte[] patched(byte[] b, int at, byte[] with) {
        byte[] out = b.clone();
        System.arraycopy(with, 0, out, at, with.length);
        return out;
    }

    static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), e.getKey());
            float[] x = e.getValue().data();
            float[] y = a.data();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError(e.getKey() + "[" + i + "]: " + x[i] + " != " + y[i]);
                }
            }
        }
    }
}
