package geodesic.linalg.ffm;

/** The LAPACK {@code range} argument of {@code dsyevr}: which eigenvalues to compute. */
public enum EigenRange {
    /** All eigenvalues. */
    ALL('A'),
    /** Eigenvalues {@code il} to {@code iu} (1-based, ascending). */
    INDEX('I');

    private final byte code;

    EigenRange(char code) {
        this.code = (byte) code;
    }

    /** The LAPACKE {@code range} character. */
    public byte code() {
        return code;
    }
}
