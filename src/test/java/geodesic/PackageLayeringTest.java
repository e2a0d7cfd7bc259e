package geodesic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps docs/architecture.md true: no package imports one above it. */
class PackageLayeringTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "tensor", Set.of(),
            "kernel", Set.of("tensor"),
            "linalg", Set.of("tensor", "kernel"),
            "nn", Set.of("tensor", "kernel", "linalg"),
            "optim", Set.of("tensor", "kernel", "linalg", "nn"),
            "data", Set.of("tensor"),
            "cuda", Set.of("tensor", "kernel", "linalg"),
            "train", Set.of("tensor", "kernel", "linalg", "nn", "optim", "data", "cuda"),
            "cli", Set.of("tensor", "kernel", "linalg", "nn", "optim", "data", "train", "cuda"));
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?geodesic\\.([a-z]+)\\.", Pattern.MULTILINE);
    private static final Pattern BYTEDECO_CUDA = Pattern.compile("^import\\s+(?:static\\s+)?org\\.bytedeco\\.cuda\\.",
            Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+geodesic\\.([a-z]+)", Pattern.MULTILINE);

    @Test
    void noPackageImportsAPackageAboveIt() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(Path.of("src/main/java/geodesic"))) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String src = read(p);
                Matcher pm = PACKAGE.matcher(src);
                assertTrue(pm.find(), p + " has no geodesic sub-package declaration");
                String pkg = pm.group(1);
                Set<String> allowed = ALLOWED.get(pkg);
                assertTrue(allowed != null, p + " is in package geodesic." + pkg + ", which docs/architecture.md does not list");
                Matcher im = IMPORT.matcher(src);
                while (im.find()) {
                    String target = im.group(1);
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(p + " (geodesic." + pkg + ") imports geodesic." + target);
                    }
                }
            }
        }
        assertTrue(files > 0, "no sources found under src/main/java/geodesic");
        assertEquals(List.of(), violations);
    }

    @Test
    void onlyVectorClassesImportTheIncubatorModule() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(Path.of("src/main/java/geodesic"))) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = p.getFileName().toString();
                if (read(p).contains("import jdk.incubator.vector") && !name.startsWith("Vector")) {
                    violations.add(p.toString());
                }
            }
        }
        assertEquals(List.of(), violations, "only Vector* classes may touch jdk.incubator.vector");
    }

    @Test
    void onlyTheCudaPackageBindsJavaCppCuda() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(Path.of("src/main/java/geodesic"))) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (BYTEDECO_CUDA.matcher(read(p)).find() && !p.getParent().endsWith("cuda")) {
                    violations.add(p.toString());
                }
            }
        }
        assertEquals(List.of(), violations, "only geodesic.cuda may touch org.bytedeco.cuda (an optional dependency)");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
