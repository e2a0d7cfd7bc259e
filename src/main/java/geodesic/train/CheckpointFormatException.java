package geodesic.train;

import java.io.IOException;

/**
 * A checkpoint file is truncated, corrupt, of another format or version, or internally inconsistent. The message
 * starts with the file, followed by what was wrong, e.g.
 * {@code "/runs/a/checkpoint-000000000120.ckpt: payload checksum mismatch: stored 1a2b3c4d, computed 0badf00d"}.
 */
public final class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * @param file    the checkpoint file, as shown to users
     * @param problem what was wrong, with the values involved
     */
    public CheckpointFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** Same as {@link #CheckpointFormatException(String, String)}, keeping the lower-level failure as the cause. */
    public CheckpointFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The checkpoint file the problem was found in. */
    public String file() {
        return file;
    }
}
