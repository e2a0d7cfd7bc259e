package geodesic.train;

import geodesic.kernel.KernelProvider;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Model;
import geodesic.optim.Optimizer;
import java.util.Objects;

/**
 * Where a checkpoint came from, for people and for refusing surprises: informational only, never used to restore.
 *
 * @param config         the host's description of the run (for the CLI: its options), free text
 * @param libraryVersion Geodesic's version from the jar manifest, or {@code "dev"} when run from classes
 * @param javaVersion    {@link Runtime#version()} of the writing JVM
 * @param kernels        the kernel provider that ran, e.g. {@code "vector 256-bit, 8 float lanes, FMA"}
 * @param eigensolver    the eigensolver this JVM uses for eigendecompositions, e.g. {@code "lapack-dsyevd"}
 * @param optimizer      the optimizer's description when the checkpoint was taken
 * @param model          the model's one-line description
 */
public record Provenance(String config, String libraryVersion, String javaVersion, String kernels,
                         String eigensolver, String optimizer, String model) {

    /** @throws NullPointerException if a field is null */
    public Provenance {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(libraryVersion, "libraryVersion");
        Objects.requireNonNull(javaVersion, "javaVersion");
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(eigensolver, "eigensolver");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(model, "model");
    }

    /**
     * The provenance of a checkpoint this JVM takes now. Asks {@link SymmetricEigensolver#active()}, which loads
     * OpenBLAS the first time.
     */
    public static Provenance of(String config, Model model, Optimizer optimizer) {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(config, version == null ? "dev" : version, Runtime.version().toString(),
                KernelProvider.get().description(), SymmetricEigensolver.active().name(), optimizer.describe(),
                model.toString());
    }
}
