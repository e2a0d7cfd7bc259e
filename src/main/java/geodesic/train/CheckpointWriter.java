package geodesic.train;

import geodesic.optim.OptimizerState;
import geodesic.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/** Streams a checkpoint into a channel in the {@link CheckpointFile} format, checksumming as it goes. */
final class CheckpointWriter {
    private static final int BUFFER = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final CRC32C crc = new CRC32C();
    private long position = CheckpointFile.HEADER_BYTES;

    private CheckpointWriter(FileChannel channel) {
        this.channel = channel;
    }

    /** Writes the payload after a 32-byte gap, then the header into the gap; does not force. */
    static void write(FileChannel channel, Checkpoint c) throws IOException {
        CheckpointWriter w = new CheckpointWriter(channel);
        w.progress(c.progress());
        w.provenance(c.provenance());
        w.tensors(c.parameters());
        w.tensors(c.buffers());
        w.optimizer(c.optimizerState());
        w.flush();
        w.header();
    }

    private void progress(TrainingProgress p) throws IOException {
        putInt(p.epoch());
        putInt(p.batch());
        putLong(p.globalStep());
        putLong(p.seed());
        putInt(p.batchSize());
        putInt(p.batchesPerEpoch());
        putInt(p.trainSize());
        putLong(Double.doubleToRawLongBits(p.epochLossSum()));
        putLong(p.epochImages());
        putLong(p.skippedSteps());
    }

    private void provenance(Provenance p) throws IOException {
        String[][] entries = {
            {"config", p.config()}, {"library_version", p.libraryVersion()}, {"java_version", p.javaVersion()},
            {"kernels", p.kernels()}, {"eigensolver", p.eigensolver()}, {"optimizer", p.optimizer()},
            {"model", p.model()}};
        putInt(entries.length);
        for (String[] e : entries) {
            putString(e[0]);
            putString(e[1]);
        }
    }

    private void tensors(Map<String, Tensor> tensors) throws IOException {
        putInt(tensors.size());
        for (var e : tensors.entrySet()) {
            putString(e.getKey());
            int[] shape = e.getValue().shape();
            putInt(shape.length);
            for (int d : shape) {
                putInt(d);
            }
            putFloats(e.getValue().data());
        }
    }

    private void optimizer(OptimizerState s) throws IOException {
        putString(s.kind());
        putInt(s.floats().size());
        for (var e : s.floats().entrySet()) {
            putString(e.getKey());
            putFloats(e.getValue());
        }
        putInt(s.doubles().size());
        for (var e : s.doubles().entrySet()) {
            putString(e.getKey());
            putInt(e.getValue().length);
            for (double v : e.getValue()) {
                putLong(Double.doubleToRawLongBits(v));
            }
        }
        putInt(s.longs().size());
        for (var e : s.longs().entrySet()) {
            putString(e.getKey());
            putLong(e.getValue());
        }
        putInt(s.strings().size());
        for (var e : s.strings().entrySet()) {
            putString(e.getKey());
            putString(e.getValue());
        }
    }

    private void putInt(int v) throws IOException {
        room(Integer.BYTES);
        buffer.putInt(v);
    }

    private void putLong(long v) throws IOException {
        room(Long.BYTES);
        buffer.putLong(v);
    }

    private void putString(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > CheckpointFile.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("checkpoint string of " + bytes.length + " UTF-8 bytes exceeds the "
                    + CheckpointFile.MAX_STRING_BYTES + "-byte limit: " + s.substring(0, 60) + "...");
        }
        putInt(bytes.length);
        int done = 0;
        while (done < bytes.length) {
            room(1);
            int n = Math.min(buffer.remaining(), bytes.length - done);
            buffer.put(bytes, done, n);
            done += n;
        }
    }

    private void putFloats(float[] values) throws IOException {
        putInt(values.length);
        int done = 0;
        while (done < values.length) {
            room(Float.BYTES);
            int n = Math.min(buffer.remaining() / Float.BYTES, values.length - done);
            buffer.asFloatBuffer().put(values, done, n);
            buffer.position(buffer.position() + n * Float.BYTES);
            done += n;
        }
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        buffer.clear();
    }

    private void header() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(CheckpointFile.HEADER_BYTES);
        h.put(CheckpointFile.MAGIC).putInt(CheckpointFile.VERSION).putInt(0)
                .putLong(position - CheckpointFile.HEADER_BYTES).putInt((int) crc.getValue());
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(h.array(), 0, h.position());
        h.putInt((int) headerCrc.getValue());
        h.flip();
        long at = 0;
        while (h.hasRemaining()) {
            at += channel.write(h, at);
        }
    }
}
