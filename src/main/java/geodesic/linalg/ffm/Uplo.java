package geodesic.linalg.ffm;

/**
 * Which triangle of a symmetric matrix a routine reads or writes. CBLAS takes it as an {@code int} enum, LAPACKE as a
 * {@code char}; each constant carries both.
 */
public enum Uplo {
    UPPER(121, 'U'),
    LOWER(122, 'L');

    private final int blas;
    private final byte lapack;

    Uplo(int blas, char lapack) {
        this.blas = blas;
        this.lapack = (byte) lapack;
    }

    /** The native {@code CBLAS_UPLO} value. */
    public int blas() {
        return blas;
    }

    /** The LAPACKE {@code uplo} character. */
    public byte lapack() {
        return lapack;
    }
}
