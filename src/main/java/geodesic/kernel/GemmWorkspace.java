package geodesic.kernel;

/**
 * One thread's packing buffers, grown on demand and then reused, so steady-state GEMM calls allocate none.
 * Confined to its thread (held in a {@link ThreadLocal}); a thread runs one GEMM rectangle at a time.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> CURRENT = ThreadLocal.withInitial(GemmWorkspace::new);

    private float[] a = new float[0];
    private float[] b = new float[0];
    private float[] tile = new float[0];

    /** The calling thread's workspace. */
    static GemmWorkspace current() {
        return CURRENT.get();
    }

    /** A buffer for packed op(A) of at least {@code size} floats; contents unspecified. */
    float[] a(int size) {
        if (a.length < size) {
            a = new float[size];
        }
        return a;
    }

    /** A buffer for packed op(B) of at least {@code size} floats; contents unspecified. */
    float[] b(int size) {
        if (b.length < size) {
            b = new float[size];
        }
        return b;
    }

    /** A buffer for one register tile of at least {@code size} floats; contents unspecified. */
    float[] tile(int size) {
        if (tile.length < size) {
            tile = new float[size];
        }
        return tile;
    }
}
