package geodesic.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import jdk.incubator.vector.VectorSpecies;

/**
 * Creates {@link GemmMicroKernel}s specialized to one species and A strip layout, each a hidden class defined from
 * the bytes of {@link VectorGemmKernelTemplate} with {@code [species, aRowStride, aStepStride]} as class data (see there
 * why). One class per pair is defined per JVM and its single instance cached.
 */
final class VectorGemmKernelFactory {
    private static final String TEMPLATE = "VectorGemmKernelTemplate.class";
    private static final ConcurrentMap<List<Object>, GemmMicroKernel> KERNELS = new ConcurrentHashMap<>();

    private VectorGemmKernelFactory() {
    }

    /**
     * The kernel for {@code species} reading A strips packed by {@link VectorGemmPacking#packA} for {@code transA}.
     *
     * @throws IllegalStateException if the template class file cannot be read or defined (a broken build)
     */
    static GemmMicroKernel forLayout(VectorSpecies<Float> species, boolean transA) {
        return forStrides(species, VectorGemmPacking.aRowStride(transA), VectorGemmPacking.aStepStride(transA));
    }

    /**
     * The kernel for {@code species} reading A with the given distances between rows and between steps: a packed
     * layout, or a row-major A read where it lies ({@code rowStride = lda}, {@code stepStride = 1}). Each new pair
     * defines a class, so callers keep the set of strides small.
     *
     * @throws IllegalStateException if the template class file cannot be read or defined (a broken build)
     */
    static GemmMicroKernel forStrides(VectorSpecies<Float> species, int rowStride, int stepStride) {
        return KERNELS.computeIfAbsent(List.of(species, rowStride, stepStride), VectorGemmKernelFactory::define);
    }

    private static GemmMicroKernel define(List<Object> classData) {
        byte[] bytes = templateBytes();
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, classData, true);
            return (GemmMicroKernel) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the GEMM kernel for " + classData, e);
        }
    }

    private static byte[] templateBytes() {
        try (InputStream in = VectorGemmKernelFactory.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "class file " + TEMPLATE + " is missing next to " + VectorGemmKernelFactory.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TEMPLATE, e);
        }
    }
}
