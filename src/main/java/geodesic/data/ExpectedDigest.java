package geodesic.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The checksum a downloaded file must have.
 *
 * @param algorithm a {@link MessageDigest} algorithm name, e.g. {@code "SHA-256"} or {@code "MD5"}
 * @param hex       the expected digest in hexadecimal (either case)
 */
public record ExpectedDigest(String algorithm, String hex) {
    /**
     * @throws IllegalArgumentException if the JDK has no such algorithm, or {@code hex} is not a digest of its
     *                                  length in hexadecimal
     */
    public ExpectedDigest {
        int bytes;
        try {
            bytes = MessageDigest.getInstance(algorithm).getDigestLength();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm " + algorithm, e);
        }
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != 2 * bytes || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException(algorithm + " digest must be " + 2 * bytes + " hex digits, got \""
                    + hex + "\"");
        }
    }

    public static ExpectedDigest sha256(String hex) {
        return new ExpectedDigest("SHA-256", hex);
    }

    public static ExpectedDigest md5(String hex) {
        return new ExpectedDigest("MD5", hex);
    }

    /** A fresh digest object for this algorithm. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("digest algorithm " + algorithm + " vanished", e);
        }
    }

    /** Whether a computed digest matches. */
    public boolean matches(byte[] digest) {
        return HexFormat.of().formatHex(digest).equals(hex);
    }

    @Override
    public String toString() {
        return algorithm + " " + hex;
    }
}
