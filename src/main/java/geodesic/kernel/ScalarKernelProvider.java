package geodesic.kernel;

/** Plain-Java kernels: the fallback without the Vector API, and the second opinion in tests. */
final class ScalarKernelProvider extends KernelProvider {
    static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private ScalarKernelProvider() {
    }

    @Override
    public MatMul matMul(Parallelism parallelism) {
        return new ScalarMatMul(parallelism);
    }

    @Override
    public SymmetricRankUpdate symmetricRankUpdate(Parallelism parallelism) {
        return new ScalarSymmetricRankUpdate(parallelism);
    }

    @Override
    public Elementwise elementwise() {
        return ScalarElementwise.INSTANCE;
    }

    @Override
    public boolean vectorized() {
        return false;
    }

    @Override
    public int floatLanes() {
        return 1;
    }

    @Override
    public String description() {
        return "plain Java (no Vector API)";
    }
}
