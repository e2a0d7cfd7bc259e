package geodesic.kernel;

import jdk.incubator.vector.VectorSpecies;

/** Vector API element-wise kernels. */
final class VectorElementwise implements Elementwise {
    private final VectorSpecies<Float> species;

    VectorElementwise(VectorSpecies<Float> species) {
        this.species = species;
    }
}
