package geodesic.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Fetches one file over the network into a local path, verifying its checksum. The locator uses this seam so that
 * tests (and hosts with their own HTTP stack or mirror) can supply another implementation.
 *
 * <p>Contract: on success {@code target} holds exactly the verified bytes; on any failure {@code target} is left as
 * it was and no partial or temporary file remains.
 */
public interface Downloader {
    /**
     * Downloads {@code url} to {@code target}, replacing it atomically once the digest matches.
     *
     * @throws DatasetFormatException if the downloaded bytes do not match {@code digest}
     * @throws IOException            if the transfer fails (unreachable host, HTTP error status, timeout, I/O)
     */
    void download(URI url, ExpectedDigest digest, Path target) throws IOException;
}
