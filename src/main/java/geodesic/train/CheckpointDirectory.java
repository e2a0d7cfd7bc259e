package geodesic.train;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of checkpoints named by global step, {@code checkpoint-000000000120.ckpt}, of which the newest
 * {@code keep} are kept.
 *
 * <p><b>Crash safety.</b> Each checkpoint is written with {@link CheckpointFile#write} (temporary file, force,
 * atomic rename, force the directory), and older checkpoints are deleted only after the new one is in place, so a
 * crash at any moment leaves at least the previous complete checkpoint. Temporary files a crash left behind are
 * deleted by {@link #open}.
 *
 * <p><b>Threading.</b> One process, and in it one thread at a time, may write a directory; reading while it is
 * written is safe (a reader sees complete files only).
 */
public final class CheckpointDirectory {
    private static final Logger LOG = Logger.getLogger(CheckpointDirectory.class.getName());
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{12,18})\\.ckpt");

    private final Path dir;
    private final int keep;

    private CheckpointDirectory(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    /**
     * Opens {@code dir}, creating it if needed, and deletes temporary files left by an interrupted write.
     *
     * @param keep how many of the newest checkpoints {@link #write} keeps, at least 1 (2 keeps a fallback)
     * @throws IllegalArgumentException if {@code keep < 1}
     * @throws IOException              if the directory cannot be created or listed
     */
    public static CheckpointDirectory open(Path dir, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("a checkpoint directory must keep at least 1 checkpoint, got " + keep);
        }
        Files.createDirectories(dir);
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, ".checkpoint-*" + CheckpointFile.EXTENSION
                + ".*.tmp")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
        return new CheckpointDirectory(dir, keep);
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /**
     * Writes {@code checkpoint} as the file for its global step (replacing one of the same step), then deletes all
     * but the newest {@code keep} checkpoints.
     *
     * @return the file written
     * @throws IOException if writing fails; earlier checkpoints are then untouched
     */
    public Path write(Checkpoint checkpoint) throws IOException {
        Path target = dir.resolve(fileName(checkpoint.progress().globalStep()));
        CheckpointFile.write(target, checkpoint);
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
        return target;
    }

    /**
     * The checkpoint files, oldest (lowest step) first.
     *
     * @throws IOException if the directory cannot be listed
     */
    public List<Path> list() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "checkpoint-*" + CheckpointFile.EXTENSION)) {
            for (Path p : stream) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    files.add(p);
                }
            }
        }
        files.sort((a, b) -> Long.compare(step(a), step(b)));
        return files;
    }

    /**
     * The newest checkpoint that reads back intact, or empty if the directory holds none. A newer file that fails
     * its checks (damaged after it was written, since writes are atomic) is passed over with one warning naming it
     * and the problem.
     *
     * @throws CheckpointFormatException of the newest file if every checkpoint in the directory is damaged
     * @throws IOException               if the directory or a file cannot be read
     */
    public Optional<Loaded> latest() throws IOException {
        List<Path> files = list();
        CheckpointFormatException newest = null;
        for (int i = files.size() - 1; i >= 0; i--) {
            Path p = files.get(i);
            try {
                return Optional.of(new Loaded(p, CheckpointFile.read(p)));
            } catch (CheckpointFormatException e) {
                LOG.warning("skipping damaged checkpoint, falling back to an older one: " + e.getMessage());
                if (newest == null) {
                    newest = e;
                }
            }
        }
        if (newest != null) {
            throw newest;
        }
        return Optional.empty();
    }

    /** A checkpoint and the file it was read from. */
    public record Loaded(Path file, Checkpoint checkpoint) {
    }

    static String fileName(long step) {
        return String.format(Locale.ROOT, "checkpoint-%012d%s", step, CheckpointFile.EXTENSION);
    }

    private static long step(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("not a checkpoint name: " + p);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public String toString() {
        return "checkpoints in " + dir + " (keeping " + keep + ")";
    }
}
