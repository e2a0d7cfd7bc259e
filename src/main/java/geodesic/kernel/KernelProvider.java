package geodesic.kernel;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * Chooses, once per JVM, the kernel implementations Geodesic runs: the Vector API ({@code jdk.incubator.vector})
 * when the module is present, else plain Java loops.
 *
 * <p>The choice is logged in one line. The system property {@code geodesic.kernel.bits} overrides it:
 * {@code scalar} forces the plain-Java kernels, {@code 128}/{@code 256}/{@code 512} force a narrower vector shape
 * than the hardware's preferred one (for testing the narrow paths). The Vector API classes are loaded only after
 * the module check, so a JVM started without {@code --add-modules jdk.incubator.vector} still works.
 *
 * <p>Providers are stateless and thread-safe; the kernels they create are thread-safe unless they say otherwise.
 */
public abstract sealed class KernelProvider permits ScalarKernelProvider, VectorKernelProvider {
    static final String BITS_PROPERTY = "geodesic.kernel.bits";
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

    KernelProvider() {
    }

    /** The provider chosen for this JVM. */
    public static KernelProvider get() {
        return Holder.INSTANCE;
    }

    /** The plain-Java provider, always available; used as the fallback and in tests. */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /**
     * A Vector API provider with vectors of {@code bits} bits, if the incubator module is present and the
     * hardware supports that width.
     */
    public static Optional<KernelProvider> vector(int bits) {
        if (!vectorModulePresent()) {
            return Optional.empty();
        }
        return VectorKernelProvider.ofBits(bits).map(p -> p);
    }

    /** GEMM running its blocks on {@code parallelism}. */
    public abstract MatMul matMul(Parallelism parallelism);

    /** Symmetric rank-k update (Kronecker factor EMA) running its blocks on {@code parallelism}. */
    public abstract SymmetricRankUpdate symmetricRankUpdate(Parallelism parallelism);

    /** Element-wise and optimizer-update kernels. */
    public abstract Elementwise elementwise();

    /** Whether these kernels use the Vector API. */
    public abstract boolean vectorized();

    /** Float lanes per vector (1 for the scalar provider). */
    public abstract int floatLanes();

    /** One line describing the kernels, e.g. {@code "Vector API 256-bit, 8 float lanes, FMA"}. */
    public abstract String description();

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static final class Holder {
        static final KernelProvider INSTANCE = choose();

        private static KernelProvider choose() {
            String forced = System.getProperty(BITS_PROPERTY, "").trim();
            if (forced.equalsIgnoreCase("scalar")) {
                LOG.info("Geodesic kernels: plain Java (forced by -D" + BITS_PROPERTY + "=scalar)");
                return ScalarKernelProvider.INSTANCE;
            }
            if (!vectorModulePresent()) {
                LOG.warning("Geodesic kernels: plain Java, because module jdk.incubator.vector is not loaded;"
                        + " start the JVM with --add-modules jdk.incubator.vector for SIMD kernels");
                return ScalarKernelProvider.INSTANCE;
            }
            Optional<VectorKernelProvider> p;
            if (forced.isEmpty()) {
                p = VectorKernelProvider.preferred();
            } else {
                int bits;
                try {
                    bits = Integer.parseInt(forced);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "-D" + BITS_PROPERTY + " must be scalar, 128, 256 or 512, got '" + forced + "'", e);
                }
                p = VectorKernelProvider.ofBits(bits);
            }
            if (p.isEmpty()) {
                LOG.warning("Geodesic kernels: plain Java, because the preferred vector shape is narrower than"
                        + " 128 bits or unsupported");
                return ScalarKernelProvider.INSTANCE;
            }
            LOG.info("Geodesic kernels: " + p.get().description());
            return p.get();
        }
    }
}
