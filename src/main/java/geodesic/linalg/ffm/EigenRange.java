package geodesic.linalg.ffm;

/** The LAPACK {@code range} argument of {@code dsyevr}: which eigenvalues to compute. Geodesic always wants all. */
public enum EigenRange {
    ALL('A');

    private final byte code;

    EigenRange(char code) {
        this.code = (byte) code;
    }

    /** The LAPACKE {@code range} character. */
    public byte code() {
        return code;
    }
}
