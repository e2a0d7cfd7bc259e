package geodesic.linalg.ffm;

/** Whether a BLAS routine reads a matrix argument as stored or transposed ({@code CBLAS_TRANSPOSE}). */
public enum Transpose {
    NO_TRANSPOSE(111),
    TRANSPOSE(112);

    private final int code;

    Transpose(int code) {
        this.code = code;
    }

    /** {@link #TRANSPOSE} when {@code transposed}, else {@link #NO_TRANSPOSE}. */
    public static Transpose of(boolean transposed) {
        return transposed ? TRANSPOSE : NO_TRANSPOSE;
    }

    /** The native {@code CblasNoTrans}/{@code CblasTrans} value. */
    public int code() {
        return code;
    }
}
