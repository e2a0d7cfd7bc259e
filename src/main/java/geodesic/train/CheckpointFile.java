package geodesic.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes one {@link Checkpoint} as one file.
 *
 * <h2>Format (version 1)</h2>
 * All numbers big-endian; floats and doubles as their raw IEEE 754 bits, so values (NaN payloads included) come
 * back bit for bit.
 * <pre>
 * header, 32 bytes:
 *   0  8  magic "GEODCKPT"
 *   8  4  format version, 1
 *  12  4  flags, 0 (reserved)
 *  16  8  payload length in bytes (the file holds exactly 32 + this many)
 *  24  4  CRC32C of the payload
 *  28  4  CRC32C of header bytes 0..27
 * payload:
 *   progress   int epoch, int batch, long globalStep, long seed, int batchSize, int batchesPerEpoch,
 *              int trainSize, double epochLossSum, long epochImages, long skippedSteps
 *   provenance int count, then count x (string key, string value)
 *   parameters int count, then count x (string name, int rank, rank x int dim, floats)
 *   buffers    the same layout as parameters
 *   optimizer  string kind; int count, count x (string, floats); int count, count x (string, doubles);
 *              int count, count x (string, long); int count, count x (string, string)
 * string = int byte length + UTF-8 bytes; floats / doubles = int count + the values
 * </pre>
 *
 * <h2>Reading</h2>
 * {@link #read} checks, in order: the header's length, magic, version, flags and checksum; that the payload length
 * matches the file; the payload checksum (a first pass over the file, before anything is parsed); then, while
 * parsing, every count and length against the bytes that remain, every shape (rank 1..8, positive dimensions whose
 * product is the value count), duplicate names, UTF-8, and that nothing trails the payload. Each failure is a
 * {@link CheckpointFormatException} naming the file and the problem; nothing is allocated beyond what the file
 * holds, so a lying header cannot make the reader allocate more than the file's size.
 *
 * <h2>Writing</h2>
 * {@link #write} never leaves a partial file under the target name: it writes a temporary file in the same
 * directory, forces it to disk ({@link FileChannel#force(boolean) force(true)}), atomically renames it over the
 * target and then forces the directory, so after a crash (even {@code SIGKILL} mid-write) the target holds either
 * the previous complete file or the new one.
 *
 * <p>Stateless; runs on the calling thread. Concurrent writers to the same target must be serialized by the caller.
 */
public final class CheckpointFile {
    /** File-name extension of checkpoints, with its dot. */
    public static final String EXTENSION = ".ckpt";
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    static final byte[] MAGIC = {'G', 'E', 'O', 'D', 'C', 'K', 'P', 'T'};
    static final int HEADER_BYTES = 32;
    static final int MAX_RANK = 8;
    static final int MAX_STRING_BYTES = 16 << 20;

    private CheckpointFile() {
    }

    /**
     * Writes {@code checkpoint} to {@code target} atomically (see the class description); a previous file there is
     * replaced only once the new one is complete on disk.
     *
     * @throws IOException if writing, forcing or renaming fails; the temporary file is then deleted and the
     *                     target left as it was
     * @throws AtomicMoveNotSupportedException if the file system cannot rename atomically
     */
    public static void write(Path target, Checkpoint checkpoint) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        // Not Files.createTempFile, whose owner-only permissions would override the umask.
        Path temp = dir.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                CheckpointWriter.write(ch, checkpoint);
                ch.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDirectory(dir);
    }

    /**
     * Reads and fully checks a checkpoint.
     *
     * @throws CheckpointFormatException naming the file and the problem if it is not a valid version-1 checkpoint
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException if reading fails
     */
    public static Checkpoint read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return CheckpointReader.read(ch, file.toString());
        }
    }

    /** Makes a rename in {@code dir} durable: on Linux a directory opened for reading can be forced. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
