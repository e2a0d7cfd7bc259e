package geodesic.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels on the JVM's one float species ({@link VectorFloatSpecies}). Loaded only once the incubator
 * module is known to be present.
 */
final class VectorKernelProvider extends KernelProvider {
    static final VectorKernelProvider INSTANCE = new VectorKernelProvider();

    private final VectorSpecies<Float> species = VectorFloatSpecies.SPECIES;

    private VectorKernelProvider() {
    }

    @Override
    public MatMul matMul(Parallelism parallelism) {
        return new VectorMatMul(species, parallelism);
    }

    @Override
    public SymmetricRankUpdate symmetricRankUpdate(Parallelism parallelism) {
        return new VectorSymmetricRankUpdate(species, parallelism);
    }

    @Override
    public Elementwise elementwise() {
        return VectorElementwise.INSTANCE;
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public int floatLanes() {
        return species.length();
    }

    @Override
    public String description() {
        return "Vector API " + species.vectorBitSize() + "-bit, " + species.length() + " float lanes";
    }
}
