package geodesic.kernel;

/** Plain-Java element-wise kernels. */
final class ScalarElementwise implements Elementwise {
    static final ScalarElementwise INSTANCE = new ScalarElementwise();

    private ScalarElementwise() {
    }
}
