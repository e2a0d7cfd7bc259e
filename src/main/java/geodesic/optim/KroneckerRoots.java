package geodesic.optim;

/**
 * The inverse roots of one layer's two factors, computed from their values at {@code step}, with the traces the
 * factors had then (for trace rescaling of stale roots).
 *
 * @param a      the input factor's root, {@code (in + 1) x (in + 1)}
 * @param b      the output-gradient factor's root, {@code out x out}
 * @param traceA trace of the input factor's running estimate at {@code step}
 * @param traceB trace of the output-gradient factor's running estimate at {@code step}
 * @param step   the step whose factors were decomposed
 */
record KroneckerRoots(FactorRoot a, FactorRoot b, double traceA, double traceB, long step) {
}
