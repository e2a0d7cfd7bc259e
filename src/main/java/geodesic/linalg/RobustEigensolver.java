package geodesic.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tries several solvers in order and returns the first decomposition that passes {@link EigenVerifier}; see
 * {@link SymmetricEigensolver#robust(List)}. Thread-safe if its stages are.
 */
final class RobustEigensolver implements SymmetricEigensolver {
    private static final Logger LOG = Logger.getLogger(RobustEigensolver.class.getName());

    private final List<SymmetricEigensolver> stages;
    private final List<AtomicBoolean> warned;
    private final String name;

    RobustEigensolver(List<SymmetricEigensolver> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a robust eigensolver needs at least one stage");
        }
        this.stages = List.copyOf(stages);
        this.warned = new ArrayList<>();
        StringJoiner joined = new StringJoiner(" -> ");
        for (SymmetricEigensolver s : this.stages) {
            warned.add(new AtomicBoolean());
            joined.add(s.name());
        }
        this.name = joined.toString();
    }

    @Override
    public SymmetricEigen decompose(double[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    @Override
    public SymmetricEigen decompose(float[] a, int n) {
        return decomposeSymmetric(SymmetricInput.symmetrizedCopy(a, n), n);
    }

    /** The stage names joined by {@code " -> "}, e.g. {@code "lapack-dsyevd -> lapack-dsyevr -> java-householder-ql"}. */
    @Override
    public String name() {
        return name;
    }

    /** Tries each stage's partial decomposition in turn; results are checked by {@link EigenVerifier#verifyLargest}. */
    @Override
    public LargestEigenpairs decomposeLargest(double[] a, int n, int k) {
        SymmetricEigensolver.checkRank(n, k);
        double[] s = SymmetricInput.symmetrizedCopy(a, n);
        return firstValid(n, stage -> {
            LargestEigenpairs result = stage.decomposeLargest(s, n, k);
            EigenVerifier.verifyLargest(result, s, n, k, stage.name());
            return result;
        });
    }

    private SymmetricEigen decomposeSymmetric(double[] s, int n) {
        return firstValid(n, stage -> {
            SymmetricEigen result = stage.decompose(s, n);
            EigenVerifier.verify(result, s, n, stage.name());
            return result;
        });
    }

    private <T> T firstValid(int n, Function<SymmetricEigensolver, T> attempt) {
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            try {
                return attempt.apply(stages.get(i));
            } catch (RuntimeException e) {
                // The input was validated above, so any failure here is the stage's, not the caller's.
                failures.add(e);
                logFallback(i, n, e);
            }
        }
        StringJoiner reasons = new StringJoiner("; ");
        for (int i = 0; i < failures.size(); i++) {
            reasons.add(stages.get(i).name() + ": " + failures.get(i).getMessage());
        }
        ArithmeticException all = new ArithmeticException("every eigensolver failed on a " + n + "x" + n
                + " matrix (" + reasons + ")");
        failures.forEach(all::addSuppressed);
        throw all;
    }

    private void logFallback(int stage, int n, RuntimeException e) {
        String next = stage + 1 < stages.size() ? "falling back to " + stages.get(stage + 1).name() : "no fallback left";
        boolean first = warned.get(stage).compareAndSet(false, true);
        Level level = first ? Level.WARNING : Level.FINE;
        if (LOG.isLoggable(level)) {
            LOG.log(level, stages.get(stage).name() + " failed on a " + n + "x" + n + " matrix (" + e + "); " + next
                    + (first ? " (further failures of this solver are logged at FINE)" : ""));
        }
    }
}
