package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenBlasLoaderTest {

    @Test
    void failureToLoadAnOverrideNamesThePropertyAndThePath() {
        String previous = System.getProperty(OpenBlasLoader.PATH_PROPERTY);
        System.setProperty(OpenBlasLoader.PATH_PROPERTY, "/nonexistent/libopenblas.so");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, OpenBlasLoader::load);
            assertTrue(e.getMessage().contains("-Dgeodesic.openblas.path=/nonexistent/libopenblas.so"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("set -Dgeodesic.openblas.path="), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(OpenBlasLoader.PATH_PROPERTY);
            } else {
                System.setProperty(OpenBlasLoader.PATH_PROPERTY, previous);
            }
        }
    }
}
