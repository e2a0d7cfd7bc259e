package geodesic.kernel;

import java.util.logging.Logger;

/**
 * Chooses, once per JVM, the kernel implementations Geodesic runs: the Vector API ({@code jdk.incubator.vector})
 * when the module is present, else plain Java loops.
 *
 * <p>The choice is logged in one line. The system property {@code geodesic.kernel.bits} overrides it:
 * {@code scalar} forces the plain-Java kernels, {@code 128}/{@code 256}/{@code 512} force a narrower vector shape
 * than the hardware's preferred one (the build runs the kernel tests once more with {@code 128} and with
 * {@code scalar}, each in a JVM of its own, because one JVM runs one float species; see
 * {@code VectorFloatSpecies}). The Vector API classes are loaded only after
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

    /**
     * The vector width {@code -Dgeodesic.kernel.bits} asks for, or 0 when it is absent or {@code scalar}.
     *
     * @throws IllegalArgumentException if the property holds anything else
     */
    static int forcedBits() {
        String forced = System.getProperty(BITS_PROPERTY, "").trim();
        if (forced.isEmpty() || forced.equalsIgnoreCase("scalar")) {
            return 0;
        }
        return switch (forced) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException(
                    "-D" + BITS_PROPERTY + " must be scalar, 128, 256 or 512, got '" + forced + "'");
        };
    }

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
            forcedBits();
            if (!vectorModulePresent()) {
                LOG.warning("Geodesic kernels: plain Java, because module jdk.incubator.vector is not loaded;"
                        + " start the JVM with --add-modules jdk.incubator.vector for SIMD kernels");
                return ScalarKernelProvider.INSTANCE;
            }
            KernelProvider p = VectorKernelProvider.INSTANCE;
            if (p.floatLanes() < 4) {
                LOG.warning("Geodesic kernels: plain Java, because the preferred vector shape holds fewer than 4"
                        + " floats");
                return ScalarKernelProvider.INSTANCE;
            }
            LOG.info("Geodesic kernels: " + p.description());
            return p;
        }
    }
}
