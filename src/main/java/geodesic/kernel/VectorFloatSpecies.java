package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species Geodesic's element-wise Vector API kernels use in this JVM, as a {@code static final}
 * constant so C2 folds it into every loop.
 *
 * <p>Why one constant: a species held in a field reaches C2 only through the type profiles inside the JDK's
 * {@code FloatVector} methods, which every caller shares. Once two species run hot in one JVM those profiles turn
 * polymorphic and the kernels box their vectors, measured 20-40x slower, below the plain-Java loops. GEMM is
 * exempt: it loads one hidden copy of its micro-kernel per species (see {@link VectorGemmKernelFactory}).
 *
 * <p>The width is the hardware's preferred one unless {@code -Dgeodesic.kernel.bits=128|256|512} asks for a
 * narrower one (the test suite runs the kernel tests once more that way, in a JVM of its own). This class is
 * loaded only after {@link KernelProvider} has checked that the incubator module is present.
 */
final class VectorFloatSpecies {
    static final VectorSpecies<Float> SPECIES = choose();

    private VectorFloatSpecies() {
    }

    private static VectorSpecies<Float> choose() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        int bits = KernelProvider.forcedBits();
        if (bits <= 0 || bits >= preferred.vectorBitSize()) {
            return preferred;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
