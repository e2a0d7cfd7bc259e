package geodesic.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import jdk.incubator.vector.VectorSpecies;

/**
 * Creates {@link GemmMicroKernel}s specialized to one species, each a hidden class defined from the bytes of
 * {@link GemmKernelTemplate} with the species as class data (see there why). One class per species is defined
 * per JVM and its single instance cached.
 */
final class GemmKernelFactory {
    private static final String TEMPLATE = "GemmKernelTemplate.class";
    private static final ConcurrentMap<VectorSpecies<Float>, GemmMicroKernel> KERNELS = new ConcurrentHashMap<>();

    private GemmKernelFactory() {
    }

    /**
     * The kernel for {@code species}.
     *
     * @throws IllegalStateException if the template class file cannot be read or defined (a broken build)
     */
    static GemmMicroKernel forSpecies(VectorSpecies<Float> species) {
        return KERNELS.computeIfAbsent(species, GemmKernelFactory::define);
    }

    private static GemmMicroKernel define(VectorSpecies<Float> species) {
        byte[] bytes = templateBytes();
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, species, true);
            return (GemmMicroKernel) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the GEMM kernel for " + species, e);
        }
    }

    private static byte[] templateBytes() {
        try (InputStream in = GemmKernelFactory.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "class file " + TEMPLATE + " is missing next to " + GemmKernelFactory.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TEMPLATE, e);
        }
    }
}
