package geodesic.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A {@link Downloader} over {@code http}/{@code https} with {@link HttpURLConnection}, which runs entirely on the
 * calling thread (no client threads are created).
 *
 * <p>The body is streamed into a temporary file beside {@code target} while its digest is computed, flushed to
 * disk, and only then renamed onto {@code target} (atomically where the file system allows); on a checksum mismatch,
 * an HTTP status other than 200, a body larger than {@code maxBytes} or any I/O failure the temporary file is
 * deleted and {@code target} is untouched. Thread-safe: concurrent calls use separate temporary files.
 */
public final class HttpDownloader implements Downloader {
    private final Duration timeout;
    private final long maxBytes;

    /**
     * @param timeout  limit for connecting and for each read
     * @param maxBytes largest body accepted; larger responses are abandoned
     * @throws IllegalArgumentException if {@code timeout} or {@code maxBytes} is not positive
     */
    public HttpDownloader(Duration timeout, long maxBytes) {
        if (timeout.isNegative() || timeout.isZero() || maxBytes <= 0) {
            throw new IllegalArgumentException("timeout and maxBytes must be positive, got " + timeout + " and "
                    + maxBytes);
        }
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public void download(URI url, ExpectedDigest digest, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".part");
        try {
            byte[] actual = fetch(url, temp, digest.newDigest());
            if (!digest.matches(actual)) {
                throw new DatasetFormatException(url.toString(), "checksum mismatch: expected " + digest + ", got "
                        + HexFormat.of().formatHex(actual));
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private byte[] fetch(URI url, Path temp, MessageDigest md) throws IOException {
        URLConnection connection = url.toURL().openConnection();
        if (!(connection instanceof HttpURLConnection http)) {
            throw new IOException(url + ": not an http or https URL");
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        http.setConnectTimeout(millis);
        http.setReadTimeout(millis);
        try {
            int status = http.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException(url + ": HTTP " + status + (http.getResponseMessage() == null ? ""
                        : " " + http.getResponseMessage()));
            }
            return copy(http.getInputStream(), temp, url, md);
        } finally {
            http.disconnect();
        }
    }

    private byte[] copy(InputStream body, Path temp, URI url, MessageDigest md) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = body; OutputStream out = Files.newOutputStream(temp)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new IOException(url + ": response exceeds the " + maxBytes + "-byte limit");
                }
                md.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return md.digest();
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
