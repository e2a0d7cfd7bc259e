package geodesic.data;

import java.io.IOException;

/**
 * No copy of a dataset could be found or fetched from any of the places searched. The message lists what was tried
 * and how to provide the data.
 */
public final class DatasetUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public DatasetUnavailableException(String message) {
        super(message);
    }
}
