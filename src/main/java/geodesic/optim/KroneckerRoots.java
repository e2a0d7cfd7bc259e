package geodesic.optim;

/**
 * The inverse roots of one layer's two Kronecker factors, computed from their values at one step, with the traces
 * the factors had then (for trace rescaling of stale roots). Made by {@link KroneckerFactor#computeRoots} or
 * {@link KroneckerFactor#submitRoots} and used through {@link KroneckerFactor#install}; immutable and thread-safe.
 */
public final class KroneckerRoots {
    private final FactorRoot a;
    private final FactorRoot b;
    private final double traceA;
    private final double traceB;
    private final long step;

    KroneckerRoots(FactorRoot a, FactorRoot b, double traceA, double traceB, long step) {
        this.a = a;
        this.b = b;
        this.traceA = traceA;
        this.traceB = traceB;
        this.step = step;
    }

    /** The input factor's root, {@code (in + 1) x (in + 1)}. */
    FactorRoot a() {
        return a;
    }

    /** The output-gradient factor's root, {@code out x out}. */
    FactorRoot b() {
        return b;
    }

    /** Tracked trace of the input factor at {@link #step()}. */
    double traceA() {
        return traceA;
    }

    /** Tracked trace of the output-gradient factor at {@link #step()}. */
    double traceB() {
        return traceB;
    }

    /** The step whose factors were decomposed. */
    public long step() {
        return step;
    }
}
