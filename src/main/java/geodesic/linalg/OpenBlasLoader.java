package geodesic.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps OpenBLAS into the process once, without JavaCPP's loader.
 *
 * <p>With {@code -Dgeodesic.openblas.path=/path/libopenblas.so} that library is opened and the system linker
 * resolves its dependencies. Otherwise the natives of {@code org.bytedeco:openblas} for this platform are copied
 * from the class path into a private temporary directory and opened in dependency order (libquadmath, libgfortran,
 * libopenblas), so the system linker finds each dependency already loaded under its soname and exactly one copy of
 * OpenBLAS is mapped. The copies are deleted as soon as they are mapped (Linux keeps mapped files alive), with
 * {@link java.io.File#deleteOnExit()} as a backstop if that fails. Libraries live in the global arena.
 */
final class OpenBlasLoader {
    static final String PATH_PROPERTY = "geodesic.openblas.path";
    private static final String RESOURCE_ROOT = "org/bytedeco/openblas/";
    private static final String GCC_RUNTIME = "libgcc_s.so.1";
    private static final List<String> BUNDLED_IN_ORDER =
            List.of("libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");

    private OpenBlasLoader() {
    }

    /**
     * Opens OpenBLAS and returns its symbols.
     *
     * @throws IllegalStateException naming what failed and the override property
     */
    @SuppressWarnings("restricted") // Opening native libraries is this class's purpose.
    static SymbolLookup load() {
        String override = System.getProperty(PATH_PROPERTY, "").trim();
        try {
            if (!override.isEmpty()) {
                return SymbolLookup.libraryLookup(Path.of(override), Arena.global());
            }
            return loadBundled(platform());
        } catch (IOException | RuntimeException | LinkageError e) {
            String source = override.isEmpty()
                    ? "the natives bundled in org.bytedeco:openblas"
                    : "-D" + PATH_PROPERTY + "=" + override;
            throw new IllegalStateException("cannot load OpenBLAS from " + source + ": " + e.getMessage()
                    + "; set -D" + PATH_PROPERTY + "=/path/to/libopenblas.so (an OpenBLAS build with LAPACKE)"
                    + " to use another library", e);
        }
    }

    /** JavaCPP's platform directory name for this JVM. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            throw new IllegalStateException("no bundled OpenBLAS loading for OS '" + os + "'");
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-arm64";
            default -> throw new IllegalStateException("no bundled OpenBLAS for architecture '" + arch + "'");
        };
    }

    @SuppressWarnings("restricted")
    private static SymbolLookup loadBundled(String platform) throws IOException {
        Path dir = Files.createTempDirectory("geodesic-openblas-");
        List<Path> extracted = new ArrayList<>();
        try {
            loadGccRuntime(platform, dir, extracted);
            SymbolLookup last = null;
            for (String name : BUNDLED_IN_ORDER) {
                Path file = extract(platform, name, dir);
                extracted.add(file);
                last = SymbolLookup.libraryLookup(file, Arena.global());
            }
            return last;
        } finally {
            extracted.add(dir);
            for (Path p : extracted) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    p.toFile().deleteOnExit();
                }
            }
        }
    }

    /** libgfortran needs libgcc_s; the system copy is preferred, the bundled one serves where none is installed. */
    @SuppressWarnings("restricted")
    private static void loadGccRuntime(String platform, Path dir, List<Path> extracted) throws IOException {
        try {
            SymbolLookup.libraryLookup(GCC_RUNTIME, Arena.global());
        } catch (IllegalArgumentException systemHasNone) {
            Path file = extract(platform, GCC_RUNTIME, dir);
            extracted.add(file);
            SymbolLookup.libraryLookup(file, Arena.global());
        }
    }

    private static Path extract(String platform, String name, Path dir) throws IOException {
        String resource = RESOURCE_ROOT + platform + "/" + name;
        ClassLoader loader = OpenBlasLoader.class.getClassLoader();
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is not on the class path (add"
                        + " org.bytedeco:openblas with classifier " + platform + ")");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }
}
