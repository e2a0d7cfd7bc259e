package geodesic.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded, deterministic mutants of a valid file for reader fuzz tests: every truncation, header bytes set to
 * boundary values, 32-bit header fields (at 4-byte aligned offsets, where the formats keep their sizes) set to
 * absurd sizes in both byte orders, and random edits (bytes changed, chunks inserted, deleted or duplicated) plus
 * purely random files. Shared by the reader tests of every package.
 */
public final class Mutations {
    /** Sizes and counts that break naive readers: zero, negative, huge, just past powers of two. */
    private static final int[] ABSURD = {0, 1, -1, 0x7fffffff, 0x80000000, 0x7ffffff8, 0x10000, 0x40000000,
        0x3fffffff, 0xfffffff0};
    private static final byte[] BOUNDARY = {0x00, (byte) 0xff, 0x7f, (byte) 0x80, 0x01};

    private Mutations() {
    }

    /** One mutant and how it was made, for assertion messages. */
    public record Mutant(String description, byte[] bytes) {
    }

    /**
     * All mutants of {@code seed}.
     *
     * @param headerBytes    how many leading bytes are header fields (boundary and absurd-size mutations go there)
     * @param random         how many random edits and how many random files to add
     * @param rngSeed        seed of the random edits
     * @param truncateStride truncate at every length within the header and at every this many bytes after it (1:
     *                       every length)
     */
    public static List<Mutant> of(byte[] seed, int headerBytes, int random, long rngSeed, int truncateStride) {
        List<Mutant> out = new ArrayList<>();
        for (int n = 0; n < seed.length; n = n < headerBytes ? n + 1 : n + truncateStride) {
            out.add(new Mutant("truncated to " + n + " of " + seed.length + " bytes", Arrays.copyOf(seed, n)));
        }
        int header = Math.min(headerBytes, seed.length);
        for (int i = 0; i < header; i++) {
            for (byte v : BOUNDARY) {
                if (seed[i] != v) {
                    byte[] b = seed.clone();
                    b[i] = v;
                    out.add(new Mutant(String.format("byte %d set to %02x", i, v & 0xff), b));
                }
            }
        }
        for (int i = 0; i + 4 <= header; i += 4) {
            for (int v : ABSURD) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                    byte[] b = seed.clone();
                    ByteBuffer.wrap(b).order(order).putInt(i, v);
                    out.add(new Mutant(String.format("int32 at %d set to %08x (%s)", i, v, order), b));
                }
            }
        }
        SplittableRandom r = new SplittableRandom(rngSeed);
        for (int k = 0; k < random; k++) {
            out.add(new Mutant("random edit " + k + " (rng " + rngSeed + ")", edit(seed, r)));
            byte[] noise = new byte[r.nextInt(0, 2 * seed.length + 16)];
            r.nextBytes(noise);
            out.add(new Mutant("random file " + k + " of " + noise.length + " bytes (rng " + rngSeed + ")", noise));
        }
        return out;
    }

    /** One to eight random edits of {@code seed}. */
    static byte[] edit(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int edits = r.nextInt(1, 9);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            int len = Math.min(b.length - at, r.nextInt(1, 65));
            switch (r.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> {
                    byte[] chunk = new byte[len];
                    r.nextBytes(chunk);
                    b = splice(b, at, 0, chunk);
                }
                case 3 -> b = splice(b, at, len, new byte[0]);
                default -> b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
