package geodesic.data;

import java.io.IOException;

/**
 * A dataset file is malformed, truncated or inconsistent with its companion file. The message starts with the file
 * (or resource) it concerns, followed by what was wrong, e.g.
 * {@code "/data/train-images-idx3-ubyte.gz: truncated payload: header declares 47040000 bytes but 1200 follow"}.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * @param file    the file or resource the problem was found in, as shown to users
     * @param problem what was wrong, with the values involved
     */
    public DatasetFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** Same as {@link #DatasetFormatException(String, String)}, keeping the lower-level failure as the cause. */
    public DatasetFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file or resource the problem was found in. */
    public String file() {
        return file;
    }
}
