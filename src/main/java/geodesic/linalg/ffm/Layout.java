package geodesic.linalg.ffm;

/** Storage order of a matrix argument; the code is shared by CBLAS ({@code CBLAS_ORDER}) and LAPACKE. */
public enum Layout {
    ROW_MAJOR(101),
    COLUMN_MAJOR(102);

    private final int code;

    Layout(int code) {
        this.code = code;
    }

    /** The native value of {@code CblasRowMajor}/{@code LAPACK_ROW_MAJOR} and their column-major twins. */
    public int code() {
        return code;
    }
}
