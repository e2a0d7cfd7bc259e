package geodesic.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Checks the element tags of a MAT v5 file before the MAT library reads it, because the library allocates each
 * array's flags, dimensions and name at the sizes their tags declare, with no bound: a 6 KB file claiming a 2 GB
 * name would otherwise end in {@link OutOfMemoryError}.
 *
 * <p>Every top-level data element must fit in the bytes left in the file; a compressed element must inflate to an
 * {@code miMATRIX} of at most {@value Payloads#MAX_DEFLATE_EXPANSION} times its compressed size. In each array header
 * the flags must be 8 bytes of {@code miUINT32}, the dimensions 2 to {@value #MAX_DIMENSIONS} non-negative
 * {@code miINT32} values, the name at most {@value #MAX_NAME} bytes of {@code miINT8}, and every one of these and the
 * following sub-element must fit in the array's element. Only the first bytes of a compressed element are inflated;
 * the data sub-elements themselves are bounded later by {@link SvhnReader}'s allocator. Runs on the calling thread.
 */
final class Mat5Layout {
    static final int HEADER_BYTES = 128;
    private static final int TAG = 8;
    private static final int MI_INT8 = 1;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int MI_UTF8 = 16;
    /** MATLAB itself stops far below this; enough for any array the SVHN files hold. */
    static final int MAX_DIMENSIONS = 64;
    /** MATLAB's {@code namelengthmax} is 63; a longer name is allowed, a megabyte one is not. */
    static final int MAX_NAME = 4096;
    /** Enough for a matrix tag, its flags, the largest accepted dimensions and name, and the next tag. */
    private static final int PREFIX = TAG + (TAG + 8) + (TAG + 4 * MAX_DIMENSIONS) + (TAG + MAX_NAME) + TAG;

    private final String where;
    private final ByteOrder order;

    private Mat5Layout(String where, ByteOrder order) {
        this.where = where;
        this.order = order;
    }

    /**
     * Walks the top-level elements of {@code file} after its 128-byte header.
     *
     * @param where    the file as named in messages
     * @param fileSize its size in bytes, at least {@value #HEADER_BYTES}
     * @param order    the byte order its endian indicator declares
     * @throws DatasetFormatException naming {@code where}, the element's byte offset and the size that does not fit
     * @throws IOException            if reading fails
     */
    static void check(Path file, String where, long fileSize, ByteOrder order) throws IOException {
        Mat5Layout layout = new Mat5Layout(where, order);
        try (FileChannel channel = FileChannel.open(file)) {
            long at = HEADER_BYTES;
            while (at < fileSize) {
                at = layout.element(channel, at, fileSize);
            }
        }
    }

    /** Checks the element starting at {@code at}; returns where the next one starts. */
    private long element(FileChannel channel, long at, long fileSize) throws IOException {
        long left = fileSize - at - TAG;
        if (left < 0) {
            throw fail("truncated data element tag at byte " + at + ": " + (fileSize - at) + " bytes left, a tag has "
                    + TAG);
        }
        ByteBuffer tag = ByteBuffer.allocate(TAG).order(order);
        readFully(channel, tag, at);
        Tag t = Tag.read(tag, 0);
        if (t.small()) {
            return at + TAG;
        }
        if (t.size() > left) {
            throw fail("data element at byte " + at + " declares " + t.size() + " bytes but only " + left
                    + " follow (truncated file or lying size)");
        }
        String element = "element at byte " + at;
        if (t.type() == MI_MATRIX) {
            int n = (int) Math.min(t.size(), PREFIX);
            ByteBuffer prefix = ByteBuffer.allocate(n).order(order);
            readFully(channel, prefix, at + TAG);
            matrix(prefix, n, t.size(), element);
        } else if (t.type() == MI_COMPRESSED) {
            compressed(channel, at + TAG, t.size(), element);
        }
        return at + TAG + t.size();
    }

    /** Inflates the start of a compressed element and checks the array header inside. */
    private void compressed(FileChannel channel, long start, long size, String element) throws IOException {
        channel.position(start);
        InputStream raw = new BoundedStream(Channels.newInputStream(channel), size);
        byte[] head = new byte[PREFIX];
        int got = 0;
        Inflater inflater = new Inflater();
        try (InputStream in = new InflaterInputStream(raw, inflater, 512)) {
            while (got < head.length) {
                int n = in.read(head, got, head.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (ZipException e) {
            throw fail("corrupt compressed " + element + ": " + e.getMessage());
        } catch (EOFException e) {
            // The compressed bytes end early; what did inflate is checked below and found truncated.
        } finally {
            inflater.end();
        }
        if (got < TAG) {
            throw fail("compressed " + element + " inflates to " + got + " bytes, too few for a data element tag");
        }
        ByteBuffer inflated = ByteBuffer.wrap(head, 0, got).order(order);
        Tag inner = Tag.read(inflated, 0);
        if (inner.small() || inner.type() != MI_MATRIX) {
            throw fail("compressed " + element + " holds data type " + inner.type() + ", expected miMATRIX ("
                    + MI_MATRIX + ")");
        }
        long limit = size * Payloads.MAX_DEFLATE_EXPANSION;
        if (inner.size() > limit) {
            throw fail("compressed " + element + " declares an array of " + inner.size() + " bytes, more than its "
                    + size + " compressed bytes can inflate to");
        }
        matrix(inflated.slice(TAG, got - TAG).order(order), got - TAG, inner.size(), "compressed " + element);
    }

    /**
     * Checks the flags, dimensions and name of an array whose element holds {@code size} bytes, of which the first
     * {@code available} are in {@code b}, and that the next sub-element's declared size fits what is left.
     */
    private void matrix(ByteBuffer b, int available, long size, String element) throws DatasetFormatException {
        long offset = 0;
        Tag flags = subElement(b, available, offset, size, element, "array flags");
        if (flags.type() != MI_UINT32 || flags.size() != 8) {
            throw fail("array flags of the " + element + " are " + flags.size() + " bytes of data type "
                    + flags.type() + ", expected 8 bytes of miUINT32 (" + MI_UINT32 + ")");
        }
        offset += flags.extent();
        Tag dims = subElement(b, available, offset, size, element, "dimensions");
        if (dims.type() != MI_INT32 || dims.size() % 4 != 0 || dims.size() < 8
                || dims.size() > 4L * MAX_DIMENSIONS) {
            throw fail("dimensions of the " + element + " are " + dims.size() + " bytes of data type " + dims.type()
                    + ", expected 2 to " + MAX_DIMENSIONS + " miINT32 (" + MI_INT32 + ") values");
        }
        requireAvailable(offset + dims.extent(), available, element, "dimensions");
        for (int i = 0; i < dims.size() / 4; i++) {
            int d = b.getInt((int) (offset + dims.dataOffset()) + 4 * i);
            if (d < 0) {
                throw fail("dimension " + (i + 1) + " of the " + element + " is negative: " + d);
            }
        }
        offset += dims.extent();
        Tag name = subElement(b, available, offset, size, element, "array name");
        if ((name.type() != MI_INT8 && name.type() != MI_UTF8) || name.size() > MAX_NAME) {
            throw fail("array name of the " + element + " is " + name.size() + " bytes of data type " + name.type()
                    + ", expected at most " + MAX_NAME + " bytes of miINT8 (" + MI_INT8 + ")");
        }
        offset += name.extent();
        if (offset < size) {
            subElement(b, available, offset, size, element, "data");
        }
    }

    /** The tag at {@code offset} of an array's element, whose padded extent must fit in the element. */
    private Tag subElement(ByteBuffer b, int available, long offset, long size, String element, String what)
            throws DatasetFormatException {
        if (offset + TAG > size) {
            throw fail(what + " tag of the " + element + " lies beyond its " + size + " bytes");
        }
        requireAvailable(offset + TAG, available, element, what);
        Tag t = Tag.read(b, (int) offset);
        if (t.small() && t.size() > 4) {
            throw fail(what + " of the " + element + " declare " + t.size() + " bytes in a small data element,"
                    + " which holds at most 4");
        }
        if (offset + t.extent() > size) {
            throw fail(what + " of the " + element + " declare " + t.size() + " bytes but only "
                    + (size - offset - TAG) + " bytes of the element follow");
        }
        return t;
    }

    private void requireAvailable(long end, int available, String element, String what)
            throws DatasetFormatException {
        if (end > available) {
            throw fail("truncated " + what + " in the " + element + ": it ends after " + available + " bytes");
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new EOFException("end of file at byte " + position);
            }
            position += n;
        }
    }

    private DatasetFormatException fail(String problem) {
        return new DatasetFormatException(where, problem);
    }

    /**
     * A data element tag: the normal form (type and size in two 32-bit words, data padded to 8 bytes) or the small
     * form (size in the upper and type in the lower 16 bits of one word, up to 4 bytes of data in the other).
     */
    private record Tag(int type, long size, boolean small) {
        static Tag read(ByteBuffer b, int at) {
            int first = b.getInt(at);
            if ((first >>> 16) != 0) {
                return new Tag(first & 0xffff, first >>> 16, true);
            }
            return new Tag(first, Integer.toUnsignedLong(b.getInt(at + 4)), false);
        }

        /** Bytes from the tag's start to the next element's. */
        long extent() {
            return small ? TAG : TAG + ((size + 7) & ~7L);
        }

        /** Bytes from the tag's start to its data. */
        int dataOffset() {
            return small ? 4 : TAG;
        }
    }

    /** At most {@code limit} bytes of {@code in}: a compressed element's bytes, not what follows it. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int v = in.read();
            if (v >= 0) {
                left--;
            }
            return v;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
