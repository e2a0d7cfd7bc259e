package geodesic.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Size limits and bounded reads shared by the readers, so that no header can make them allocate blindly. */
final class Payloads {
    /** Largest Java array the readers will create. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Deflate cannot expand its input by more than about 1032:1, so a compressed file of {@code n} bytes cannot hold
     * more than {@code n * MAX_DEFLATE_EXPANSION} bytes of payload; a header claiming more is lying.
     */
    static final long MAX_DEFLATE_EXPANSION = 1032;

    /** First buffer size when the payload's real size is unknown; the buffer then doubles as bytes arrive. */
    private static final int UNTRUSTED_INITIAL = 1 << 20;

    private static final float[] UNIT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            UNIT[b] = b / 255f;
        }
    }

    private Payloads() {
    }

    /**
     * Reads exactly {@code declared} bytes. When {@code sizeVerified} is false the declared size comes from an
     * unchecked header (compressed or unknown-length input), so the buffer grows with the bytes that actually arrive
     * instead of being allocated up front.
     *
     * @throws DatasetFormatException naming {@code file} if the stream ends early
     */
    static byte[] readDeclared(InputStream in, int declared, boolean sizeVerified, String file, String what)
            throws IOException {
        byte[] buf = new byte[sizeVerified ? declared : Math.min(declared, UNTRUSTED_INITIAL)];
        int filled = 0;
        while (filled < declared) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(declared, 2L * buf.length));
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw new DatasetFormatException(file, "truncated payload: header declares " + what + " ("
                        + declared + " bytes) but only " + filled + " bytes follow");
            }
            filled += n;
        }
        return buf;
    }

    /**
     * Reads up to {@code header.length} bytes into {@code header}.
     *
     * @return how many bytes were read; fewer than {@code header.length} only at end of stream
     */
    static int readUpTo(InputStream in, byte[] header) throws IOException {
        int filled = 0;
        while (filled < header.length) {
            int n = in.read(header, filled, header.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /** Writes {@code count} pixels from {@code src[srcOff..]} to {@code dst[dstOff..]} as {@code byte / 255}. */
    static void toUnitFloats(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = UNIT[src[srcOff + i] & 0xff];
        }
    }
}
