package geodesic.train;

import geodesic.optim.OptimizerState;
import geodesic.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Checks and parses a file in the {@link CheckpointFile} format. Every length is checked against the bytes that
 * remain before anything is allocated for it, so allocations never exceed the file's size.
 */
final class CheckpointReader {
    private static final int BUFFER = 1 << 20;

    private final FileChannel channel;
    private final String file;
    private final ByteBuffer buffer;
    private final long end;
    private long position = CheckpointFile.HEADER_BYTES;

    private CheckpointReader(FileChannel channel, String file, long payload) {
        this.channel = channel;
        this.file = file;
        this.end = CheckpointFile.HEADER_BYTES + payload;
        this.buffer = ByteBuffer.allocate(bufferSize(payload));
        buffer.limit(0);
    }

    /** Big enough for any single value read at once (a long), at most {@link #BUFFER}. */
    private static int bufferSize(long payload) {
        return (int) Math.max(Long.BYTES, Math.min(BUFFER, payload));
    }

    static Checkpoint read(FileChannel channel, String file) throws IOException {
        long payload = checkHeaderAndChecksum(channel, file);
        CheckpointReader r = new CheckpointReader(channel, file, payload);
        TrainingProgress progress = r.progress();
        Provenance provenance = r.provenance();
        Map<String, Tensor> parameters = r.tensors("parameter");
        Map<String, Tensor> buffers = r.tensors("buffer");
        OptimizerState optimizer = r.optimizer();
        if (r.remaining() != 0) {
            throw r.malformed(r.remaining() + " bytes follow the optimizer state at the end of the payload");
        }
        return new Checkpoint(progress, provenance, parameters, buffers, optimizer);
    }

    /** Checks everything up to the payload checksum; returns the payload length. */
    private static long checkHeaderAndChecksum(FileChannel channel, String file) throws IOException {
        long size = channel.size();
        ByteBuffer h = ByteBuffer.allocate(CheckpointFile.HEADER_BYTES);
        int n = 0;
        while (h.hasRemaining() && n >= 0) {
            n = channel.read(h, h.position());
        }
        h.flip();
        byte[] magic = new byte[CheckpointFile.MAGIC.length];
        int got = Math.min(h.remaining(), magic.length);
        h.get(magic, 0, got);
        if (!Arrays.equals(magic, 0, got, CheckpointFile.MAGIC, 0, got)) {
            throw new CheckpointFormatException(file, "bad magic: not a Geodesic checkpoint (expected \"GEODCKPT\", "
                    + "found bytes " + hex(magic, got) + ")");
        }
        if (size < CheckpointFile.HEADER_BYTES) {
            throw new CheckpointFormatException(file, "truncated header: " + size + " of the "
                    + CheckpointFile.HEADER_BYTES + " header bytes");
        }
        int version = h.getInt(8);
        if (version != CheckpointFile.VERSION) {
            throw new CheckpointFormatException(file, "format version " + Integer.toUnsignedString(version)
                    + " is not supported (this build reads version " + CheckpointFile.VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, 28);
        int storedHeaderCrc = h.getInt(28);
        int headerCrc = (int) crc.getValue();
        if (headerCrc != storedHeaderCrc) {
            throw new CheckpointFormatException(file, "header checksum mismatch: stored "
                    + String.format("%08x", storedHeaderCrc) + ", computed " + String.format("%08x", headerCrc)
                    + " (corrupt header)");
        }
        int flags = h.getInt(12);
        if (flags != 0) {
            throw new CheckpointFormatException(file, "unknown flags " + String.format("%08x", flags));
        }
        long payload = h.getLong(16);
        long held = size - CheckpointFile.HEADER_BYTES;
        if (payload != held) {
            throw new CheckpointFormatException(file, (payload > held ? "truncated: " : "")
                    + "header declares " + payload + " payload bytes but the file holds "
                    + held + " after its header");
        }
        int storedCrc = h.getInt(24);
        int computed = payloadCrc(channel, payload);
        if (computed != storedCrc) {
            throw new CheckpointFormatException(file, "payload checksum mismatch: stored "
                    + String.format("%08x", storedCrc) + ", computed " + String.format("%08x", computed)
                    + " (corrupt or partly written file)");
        }
        return payload;
    }

    private static int payloadCrc(FileChannel channel, long payload) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(bufferSize(payload));
        long at = CheckpointFile.HEADER_BYTES;
        long end = at + payload;
        while (at < end) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), end - at));
            int n = channel.read(b, at);
            if (n < 0) {
                break;
            }
            at += n;
            b.flip();
            crc.update(b);
        }
        return (int) crc.getValue();
    }

    private TrainingProgress progress() throws IOException {
        int epoch = getInt();
        int batch = getInt();
        long globalStep = getLong();
        long seed = getLong();
        int batchSize = getInt();
        int batchesPerEpoch = getInt();
        int trainSize = getInt();
        double lossSum = Double.longBitsToDouble(getLong());
        long images = getLong();
        long skipped = getLong();
        try {
            return new TrainingProgress(epoch, batch, globalStep, seed, batchSize, batchesPerEpoch, trainSize, lossSum,
                    images, skipped);
        } catch (IllegalArgumentException e) {
            throw malformed("invalid training progress: " + e.getMessage());
        }
    }

    private Provenance provenance() throws IOException {
        int count = count("provenance entries");
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String key = getString();
            String value = getString();
            if (entries.put(key, value) != null) {
                throw malformed("duplicate provenance entry " + key);
            }
        }
        // Unknown keys are ignored and missing ones read as empty: provenance is informational only.
        return new Provenance(entries.getOrDefault("config", ""), entries.getOrDefault("library_version", ""),
                entries.getOrDefault("java_version", ""), entries.getOrDefault("kernels", ""),
                entries.getOrDefault("eigensolver", ""), entries.getOrDefault("optimizer", ""),
                entries.getOrDefault("model", ""));
    }

    private Map<String, Tensor> tensors(String kind) throws IOException {
        int count = count(kind + "s");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = getString();
            int rank = getInt();
            if (rank < 1 || rank > CheckpointFile.MAX_RANK) {
                throw malformed(kind + " " + name + " has rank " + rank + ", expected 1.." + CheckpointFile.MAX_RANK);
            }
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = getInt();
            }
            int size;
            try {
                size = Tensor.checkedSize(shape);
            } catch (IllegalArgumentException e) {
                throw malformed(kind + " " + name + ": " + e.getMessage());
            }
            float[] values = getFloats(kind + " " + name);
            if (values.length != size) {
                throw malformed(kind + " " + name + " of shape " + Arrays.toString(shape) + " needs " + size
                        + " values but holds " + values.length);
            }
            if (out.put(name, Tensor.wrap(values, shape)) != null) {
                throw malformed("duplicate " + kind + " " + name);
            }
        }
        return out;
    }

    private OptimizerState optimizer() throws IOException {
        OptimizerState s = new OptimizerState(getString());
        int floats = count("optimizer float arrays");
        for (int i = 0; i < floats; i++) {
            String name = getString();
            float[] v = getFloats("optimizer entry " + name);
            if (s.floats().containsKey(name)) {
                throw malformed("duplicate optimizer entry " + name);
            }
            s.putFloats(name, v);
        }
        int doubles = count("optimizer double arrays");
        for (int i = 0; i < doubles; i++) {
            String name = getString();
            int n = getInt();
            need(n, Double.BYTES, "optimizer entry " + name);
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                v[k] = Double.longBitsToDouble(getLong());
            }
            if (s.doubles().containsKey(name)) {
                throw malformed("duplicate optimizer entry " + name);
            }
            s.putDoubles(name, v);
        }
        int longs = count("optimizer counters");
        for (int i = 0; i < longs; i++) {
            String name = getString();
            long v = getLong();
            if (s.longs().containsKey(name)) {
                throw malformed("duplicate optimizer entry " + name);
            }
            s.putLong(name, v);
        }
        int strings = count("optimizer strings");
        for (int i = 0; i < strings; i++) {
            String name = getString();
            String v = getString();
            if (s.strings().containsKey(name)) {
                throw malformed("duplicate optimizer entry " + name);
            }
            s.putString(name, v);
        }
        return s;
    }

    /** A non-negative count of entries; each entry takes at least 4 bytes, so a count can be checked up front. */
    private int count(String what) throws IOException {
        int n = getInt();
        need(n, Integer.BYTES, what);
        return n;
    }

    private void need(int count, int bytesEach, String what) throws CheckpointFormatException {
        if (count < 0 || (long) count * bytesEach > remaining()) {
            throw malformed(what + " declares " + count + " values of " + bytesEach + " bytes but only "
                    + remaining() + " payload bytes remain");
        }
    }

    private int getInt() throws IOException {
        fill(Integer.BYTES);
        return buffer.getInt();
    }

    private long getLong() throws IOException {
        fill(Long.BYTES);
        return buffer.getLong();
    }

    private String getString() throws IOException {
        int n = getInt();
        if (n > CheckpointFile.MAX_STRING_BYTES) {
            throw malformed("string of " + n + " bytes exceeds the " + CheckpointFile.MAX_STRING_BYTES + "-byte limit");
        }
        need(n, 1, "string");
        byte[] bytes = new byte[n];
        int done = 0;
        while (done < n) {
            fill(1);
            int k = Math.min(buffer.remaining(), n - done);
            buffer.get(bytes, done, k);
            done += k;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed("string of " + n + " bytes is not valid UTF-8");
        }
    }

    private float[] getFloats(String what) throws IOException {
        int n = getInt();
        need(n, Float.BYTES, what);
        float[] v = new float[n];
        int done = 0;
        while (done < n) {
            fill(Float.BYTES);
            int k = Math.min(buffer.remaining() / Float.BYTES, n - done);
            buffer.asFloatBuffer().get(v, done, k);
            buffer.position(buffer.position() + k * Float.BYTES);
            done += k;
        }
        return v;
    }

    /** Payload bytes not yet parsed: those in the buffer plus those not yet read from the file. */
    private long remaining() {
        return end - position + buffer.remaining();
    }

    /** Makes at least {@code bytes} (at most the buffer's capacity) available in the buffer. */
    private void fill(int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return;
        }
        if (remaining() < bytes) {
            throw malformed("payload ends inside a value: " + bytes + " bytes needed, " + remaining() + " remain");
        }
        buffer.compact();
        while (buffer.position() < bytes) {
            int want = (int) Math.min(buffer.remaining(), end - position);
            int n = channel.read(buffer.slice(buffer.position(), want), position);
            if (n <= 0) {
                throw malformed("file ended while reading the payload");
            }
            position += n;
            buffer.position(buffer.position() + n);
        }
        buffer.flip();
    }

    private CheckpointFormatException malformed(String problem) {
        return new CheckpointFormatException(file, "malformed payload: " + problem);
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return n == 0 ? "(none: empty file)" : sb.toString();
    }
}
