package geodesic.linalg;

/** Which LAPACK routine a native eigensolver calls. Both compute all eigenpairs in float64. */
public enum LapackDriver {
    /** Divide and conquer ({@code dsyevd}): the fastest for full spectra with vectors; workspace about {@code 2 n^2}. */
    DSYEVD("lapack-dsyevd"),
    /** Relatively robust representations ({@code dsyevr}): a different algorithm, the fallback when dsyevd fails. */
    DSYEVR("lapack-dsyevr");

    private final String solverName;

    LapackDriver(String solverName) {
        this.solverName = solverName;
    }

    /** The {@link SymmetricEigensolver#name()} of a solver using this driver. */
    public String solverName() {
        return solverName;
    }
}
