package geodesic.optim;

import java.util.Locale;

/**
 * Hyper-parameters of the {@link KroneckerPreconditioner} (paper Eq. 14-18 and Algorithm 1). Immutable; the
 * {@code with...} methods return modified copies.
 *
 * @param gamma               weight of the new statistics in the factor EMAs {@code A <- (1 - gamma) A + gamma
 *                            E[a a^T]} (Eq. 17-18), in {@code (0, 1]}
 * @param factorInterval      {@code T_cov}: the factors are updated at steps {@code 1, 1 + T_cov, 1 + 2 T_cov, ...},
 *                            {@code >= 1}
 * @param rootInterval        {@code T_int}: inverse roots are recomputed at step 1 and every step divisible by
 *                            {@code T_int} (Algorithm 1, line 4), {@code >= 1}
 * @param damping             the damping of the inverse roots
 * @param traceRescaling      whether roots computed at an earlier step are rescaled by how much the factors'
 *                            traces have grown or shrunk since then (see {@link KroneckerPreconditioner})
 * @param earlyRefresh        whether roots are also recomputed at steps 2, 4, 8, ... below {@code T_int}, while the
 *                            factors are young and change fastest
 * @param shrinkage           {@code c}: each factor's eigenvalues are raised by {@code c * dimension / effective
 *                            rows} times their mean before damping (see {@link KroneckerFactor}); 0 turns this
 *                            off, {@code >= 0}
 * @param convSampleFraction  fraction of a batch's examples whose im2col rows feed the factors of layers with more
 *                            than one output position (convolutions), in {@code (0, 1]}; a random contiguous block
 *                            of examples, so the statistics stay unbiased
 * @param asyncDelay          with an {@link geodesic.linalg.EigenPool}: roots submitted at step {@code s} are
 *                            installed at step {@code s + asyncDelay}, waiting for them if needed; 0 installs them
 *                            in the step that submits them, {@code >= 0}
 * @param rootRank            {@code k}: with {@link Damping.Form#FACTORED} damping, a factor larger than {@code 2k}
 *                            keeps only its {@code k} largest eigenpairs and replaces the others by their mean
 *                            (an isotropic tail; see {@link KroneckerFactor}), so that applying its root costs
 *                            {@code 4 k n} instead of {@code 2 n^2} flops per gradient column, and refreshes
 *                            start from the previous eigenvectors (see {@link KroneckerFactor}); 0 keeps every
 *                            eigenpair, {@code >= 0}
 * @param diagonalDecay       EMA decay of the {@link DiagonalPreconditioner} used for parameters outside
 *                            Dense and Conv2d layers (batch-norm scales and shifts), in {@code [0, 1)}
 * @param diagonalEpsilon     its epsilon, finite and {@code > 0}
 */
public record KroneckerSettings(double gamma, int factorInterval, int rootInterval, Damping damping,
                                boolean traceRescaling, boolean earlyRefresh, double shrinkage,
                                double convSampleFraction,
                                int asyncDelay, int rootRank, double diagonalDecay, double diagonalEpsilon) {

    /**
     * @throws IllegalArgumentException naming the first value out of range
     * @throws NullPointerException     if {@code damping} is null
     */
    public KroneckerSettings {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("Kronecker factor EMA weight gamma must be in (0, 1], got " + gamma);
        }
        if (factorInterval < 1) {
            throw new IllegalArgumentException("factor update interval T_cov must be >= 1, got " + factorInterval);
        }
        if (rootInterval < 1) {
            throw new IllegalArgumentException("inverse root interval T_int must be >= 1, got " + rootInterval);
        }
        if (damping == null) {
            throw new NullPointerException("damping must not be null");
        }
        if (!(shrinkage >= 0) || !Double.isFinite(shrinkage)) {
            throw new IllegalArgumentException("shrinkage coefficient must be finite and >= 0, got " + shrinkage);
        }
        if (!(convSampleFraction > 0 && convSampleFraction <= 1)) {
            throw new IllegalArgumentException("convolution sample fraction must be in (0, 1], got "
                    + convSampleFraction);
        }
        if (asyncDelay < 0) {
            throw new IllegalArgumentException("asynchronous root delay must be >= 0 steps, got " + asyncDelay);
        }
        if (rootRank < 0) {
            throw new IllegalArgumentException("inverse root rank must be >= 0 (0 = full rank), got " + rootRank);
        }
        if (!(diagonalDecay >= 0 && diagonalDecay < 1)) {
            throw new IllegalArgumentException("diagonal EMA decay must be in [0, 1), got " + diagonalDecay);
        }
        if (!(diagonalEpsilon > 0 && diagonalEpsilon <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("diagonal epsilon must be > 0 and finite as a float, got "
                    + diagonalEpsilon);
        }
    }

    /**
     * Algorithm 1 as the paper states it: {@code gamma = 0.05}, factors every step, roots every 20 steps, the
     * factored damping {@code eps = 1e-6}, no rescaling and no early refreshes. Known to diverge at
     * {@code lr = 0.01} on the MLP and the reference CNN; kept for comparisons.
     */
    public static KroneckerSettings paper() {
        return new KroneckerSettings(0.05, 1, 20, Damping.factored(1e-6), false, false, 0, 1, 20, 0, 0.99,
                1e-8);
    }

    /**
     * The defaults: the paper's {@code gamma} and damping, made stable by shrinkage {@code c = 0.1} and trace
     * rescaling, and made cheap by factors every 4 steps from a quarter of each batch's images (convolutions),
     * roots every 100 steps, an asynchronous delay of 50 steps when a pool is given, and roots of factors larger
     * than 512 kept at rank 256 plus an isotropic tail. Measured on Fashion-MNIST
     * to lose nothing against {@link #reference()} (see {@link KroneckerPreconditioner}).
     */
    public static KroneckerSettings defaults() {
        return new KroneckerSettings(0.05, 4, 100, Damping.factored(1e-6), true, false, 0.1, 0.25, 50, 256, 0.99,
                1e-8);
    }

    /**
     * The schedule of Algorithm 1 ({@code T_cov = 1}, {@code T_int = 20}, every image) with the safeguards of
     * {@link #defaults()}, full-rank roots: the exact baseline the cheaper defaults are measured against.
     */
    public static KroneckerSettings reference() {
        return defaults().withFactorInterval(1).withRootInterval(20).withConvSampleFraction(1).withRootRank(0);
    }

    public KroneckerSettings withGamma(double gamma) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withFactorInterval(int factorInterval) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withRootInterval(int rootInterval) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withDamping(Damping damping) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withTraceRescaling(boolean traceRescaling) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withEarlyRefresh(boolean earlyRefresh) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withShrinkage(double shrinkage) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withConvSampleFraction(double convSampleFraction) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withAsyncDelay(int asyncDelay) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    public KroneckerSettings withRootRank(int rootRank) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, diagonalDecay, diagonalEpsilon);
    }

    /** Whether a factor of size {@code n} keeps only {@link #rootRank()} eigenpairs and an isotropic tail. */
    boolean truncates(int n) {
        return rootRank > 0 && damping.form() == Damping.Form.FACTORED && n > 2 * rootRank;
    }

    public KroneckerSettings withDiagonal(double decay, double epsilon) {
        return new KroneckerSettings(gamma, factorInterval, rootInterval, damping, traceRescaling, earlyRefresh,
                shrinkage, convSampleFraction, asyncDelay, rootRank, decay, epsilon);
    }

    /** Whether roots are recomputed at {@code step} (1-based). */
    boolean refreshesRootsAt(long step) {
        if (step == 1 || step % rootInterval == 0) {
            return true;
        }
        return earlyRefresh && step < rootInterval && Long.bitCount(step) == 1;
    }

    /** Whether the factors are updated at {@code step} (1-based). */
    boolean updatesFactorsAt(long step) {
        return (step - 1) % factorInterval == 0;
    }

    /** E.g. {@code "gamma=0.05, T_cov=1, T_int=20, damping=factored absolute 1e-06, ..."}. */
    public String describe() {
        return String.format(Locale.ROOT, "gamma=%g, T_cov=%d, T_int=%d, damping=%s, trace_rescaling=%b,"
                        + " early_refresh=%b, shrinkage=%g, conv_sample=%g, async_delay=%d, root_rank=%d", gamma,
                factorInterval, rootInterval, damping.describe(), traceRescaling, earlyRefresh, shrinkage,
                convSampleFraction, asyncDelay, rootRank);
    }
}
