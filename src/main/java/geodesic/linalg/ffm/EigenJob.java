package geodesic.linalg.ffm;

/** The LAPACK {@code jobz} argument of the symmetric eigensolvers: eigenvalues only, or eigenvectors too. */
public enum EigenJob {
    VALUES_ONLY('N'),
    VALUES_AND_VECTORS('V');

    private final byte code;

    EigenJob(char code) {
        this.code = (byte) code;
    }

    /** The LAPACKE {@code jobz} character. */
    public byte code() {
        return code;
    }
}
