package geodesic.kernel;

import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Vector API kernels for one float species. Loaded only once the incubator module is known to be present. */
final class VectorKernelProvider extends KernelProvider {
    private final VectorSpecies<Float> species;
    private final VectorElementwise elementwise;

    private VectorKernelProvider(VectorSpecies<Float> species) {
        this.species = species;
        this.elementwise = new VectorElementwise(species);
    }

    static Optional<VectorKernelProvider> preferred() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        return s.vectorBitSize() < 128 ? Optional.empty() : Optional.of(new VectorKernelProvider(s));
    }

    static Optional<VectorKernelProvider> ofBits(int bits) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + bits);
        }
        if (bits > FloatVector.SPECIES_PREFERRED.vectorBitSize()) {
            return Optional.empty();
        }
        return Optional.of(new VectorKernelProvider(VectorSpecies.of(float.class, VectorShape.forBitSize(bits))));
    }

    /** The float species these kernels use. */
    VectorSpecies<Float> species() {
        return species;
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
        return elementwise;
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
