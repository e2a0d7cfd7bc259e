package geodesic.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a command loads data or trains, that the files and directories it will write can be created
 * where the user asked, so that a typo in {@code --csv} or {@code --checkpoint-dir} costs no training time and
 * reads as one line naming the option, the path and the reason. Creates nothing.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * Requires {@code file} to be an existing writable regular file, or creatable: its nearest existing ancestor a
     * writable directory.
     *
     * @param what the command and option, e.g. {@code "train: --csv"}
     * @throws IOException naming {@code what}, the path and the reason
     */
    static void requireWritableFile(String what, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(what + " " + file + " is a directory, expected a file name");
        }
        if (Files.exists(absolute)) {
            if (!Files.isRegularFile(absolute) || !Files.isWritable(absolute)) {
                throw new IOException(what + " " + file + " exists and cannot be written");
            }
            return;
        }
        requireCreatable(what, file, absolute.getParent());
    }

    /**
     * Requires {@code dir} to be an existing writable directory, or creatable: its nearest existing ancestor a
     * writable directory.
     *
     * @param what the command and option, e.g. {@code "train: --checkpoint-dir"}
     * @throws IOException naming {@code what}, the path and the reason
     */
    static void requireWritableDirectory(String what, Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new IOException(what + " " + dir + " is not a directory");
            }
            if (!Files.isWritable(absolute)) {
                throw new IOException(what + " " + dir + " is not writable (permission denied or read-only)");
            }
            return;
        }
        requireCreatable(what, dir, absolute.getParent());
    }

    /** The nearest existing ancestor of {@code parent} (inclusive) must be a writable directory. */
    private static void requireCreatable(String what, Path path, Path parent) throws IOException {
        Path ancestor = parent;
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null) {
            throw new IOException(what + " " + path + " cannot be created: no existing directory above it");
        }
        if (!Files.isDirectory(ancestor)) {
            throw new IOException(what + " " + path + " cannot be created: " + ancestor + " is a file, not a directory");
        }
        if (!Files.isWritable(ancestor)) {
            throw new IOException(what + " " + path + " cannot be created: " + ancestor
                    + " is not writable (permission denied or read-only)");
        }
    }
}
