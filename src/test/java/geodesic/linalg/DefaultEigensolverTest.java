package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** How the active solver is chosen from {@code -Dgeodesic.eigensolver} and the availability of OpenBLAS. */
class DefaultEigensolverTest {
    private static final String JAVA = SymmetricEigensolver.pureJava().name();

    @Test
    void missingNativesSelectTheJavaSolverWithOneWarningNamingTheReason() {
        DefaultEigensolver.Choice c = DefaultEigensolver.choose("auto", () -> Optional.of("no libopenblas here"));
        assertEquals(JAVA, c.solver().name());
        assertFalse(c.nativeEnabled());
        assertEquals(Level.WARNING, c.level());
        assertTrue(c.message().contains(JAVA) && c.message().contains("no libopenblas here"), c.message());
        double[] a = TestMatrices.randomSymmetric(20, 1);
        assertTrue(TestMatrices.maxRelativeResidual(a, c.solver().decompose(a, 20)) <= 1e-12);
    }

    @Test
    void javaModeNeverConsultsOpenBlas() {
        DefaultEigensolver.Choice c = DefaultEigensolver.choose(" JAVA ", () -> {
            throw new AssertionError("OpenBLAS must not be loaded in java mode");
        });
        assertEquals(JAVA, c.solver().name());
        assertFalse(c.nativeEnabled());
        assertEquals(Level.INFO, c.level());
    }

    @Test
    void availableNativesSelectTheFallbackChain() {
        assumeTrue(OpenBlas.isAvailable(), () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason());
        DefaultEigensolver.Choice c = DefaultEigensolver.choose("auto", Optional::empty);
        assertEquals("lapack-dsyevd -> lapack-dsyevr -> " + JAVA, c.solver().name());
        assertTrue(c.nativeEnabled());
        assertEquals(Level.INFO, c.level());
    }

    @Test
    void unknownModeIsRejectedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DefaultEigensolver.choose("mkl", Optional::empty));
        assertTrue(e.getMessage().contains("-Dgeodesic.eigensolver") && e.getMessage().contains("mkl"),
                e.getMessage());
    }

    @Test
    void activeSolverNameReflectsTheNativeLibrary() {
        String name = SymmetricEigensolver.active().name();
        boolean forcedJava = "java".equalsIgnoreCase(System.getProperty(DefaultEigensolver.PROPERTY, "").trim());
        assertEquals(OpenBlas.isAvailable() && !forcedJava, name.startsWith(LapackDriver.DSYEVD.solverName()), name);
        assertTrue(name.endsWith(JAVA), name);
    }
}
