package geodesic.train;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Byte-level helpers for tests that build damaged checkpoint files. */
final class TestFiles {
    private TestFiles() {
    }

    /**
     * A copy of {@code file} with the header's payload length and both checksums recomputed, so that a damaged
     * payload gets past the checksums and exercises the parser's own checks. Shorter than a header: unchanged.
     */
    static byte[] withValidChecksums(byte[] file) {
        byte[] b = file.clone();
        if (b.length < CheckpointFile.HEADER_BYTES) {
            return b;
        }
        ByteBuffer h = ByteBuffer.wrap(b);
        CRC32C payload = new CRC32C();
        payload.update(b, CheckpointFile.HEADER_BYTES, b.length - CheckpointFile.HEADER_BYTES);
        h.putLong(16, b.length - CheckpointFile.HEADER_BYTES);
        h.putInt(24, (int) payload.getValue());
        CRC32C header = new CRC32C();
        header.update(b, 0, 28);
        h.putInt(28, (int) header.getValue());
        return b;
    }
}
