package geodesic.linalg;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses {@link SymmetricEigensolver#active()} once per JVM, in a holder so that the choice (and the OpenBLAS load
 * it triggers) happens on first use, and logs it in one line.
 */
final class DefaultEigensolver {
    static final String PROPERTY = "geodesic.eigensolver";
    private static final Logger LOG = Logger.getLogger(DefaultEigensolver.class.getName());

    private DefaultEigensolver() {
    }

    /** A decided configuration: the solver, whether OpenBLAS serves the products too, and the line to log. */
    record Choice(SymmetricEigensolver solver, boolean nativeEnabled, Level level, String message) {
    }

    /**
     * The solver for the {@code geodesic.eigensolver} value {@code mode}; {@code openBlasReason} is empty when
     * OpenBLAS is available, else why it is not. OpenBLAS is only consulted (and loaded) for mode {@code auto}.
     *
     * @throws IllegalArgumentException if {@code mode} is neither auto nor java
     */
    static Choice choose(String mode, Supplier<Optional<String>> openBlasReason) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (m.equals("java")) {
            SymmetricEigensolver java = new RobustEigensolver(List.of(JavaEigensolver.INSTANCE));
            return new Choice(java, false, Level.INFO,
                    "Geodesic eigensolver: " + java.name() + " (forced by -D" + PROPERTY + "=java)");
        }
        if (!m.equals("auto")) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be auto or java, got '" + mode + "'");
        }
        Optional<String> reason = openBlasReason.get();
        if (reason.isPresent()) {
            SymmetricEigensolver java = new RobustEigensolver(List.of(JavaEigensolver.INSTANCE));
            return new Choice(java, false, Level.WARNING,
                    "Geodesic eigensolver: " + java.name() + ", because " + reason.get());
        }
        SymmetricEigensolver chain = new RobustEigensolver(List.of(new LapackEigensolver(LapackDriver.DSYEVD),
                new LapackEigensolver(LapackDriver.DSYEVR), JavaEigensolver.INSTANCE));
        return new Choice(chain, true, Level.INFO, "Geodesic eigensolver: " + chain.name() + " (OpenBLAS "
                + OpenBlas.coreName() + ", " + OpenBlas.threads() + " thread per call)");
    }

    private static final class Holder {
        static final Choice CHOICE;
        static final IllegalArgumentException CONFIGURATION_ERROR;

        static {
            Choice choice = null;
            IllegalArgumentException error = null;
            try {
                choice = choose(System.getProperty(PROPERTY, "auto"), OpenBlas::unavailableReason);
                LOG.log(choice.level(), choice.message());
            } catch (IllegalArgumentException e) {
                error = e;
            }
            CHOICE = choice;
            CONFIGURATION_ERROR = error;
        }
    }

    /**
     * The active solver.
     *
     * @throws IllegalArgumentException if {@code geodesic.eigensolver} is neither auto nor java
     */
    static SymmetricEigensolver get() {
        return checkedChoice().solver();
    }

    /** Whether the active solver, and the matrix products of {@link SymmetricEigen}, use OpenBLAS. */
    static boolean nativeEnabled() {
        return Holder.CHOICE != null && Holder.CHOICE.nativeEnabled();
    }

    private static Choice checkedChoice() {
        if (Holder.CONFIGURATION_ERROR != null) {
            throw new IllegalArgumentException(Holder.CONFIGURATION_ERROR.getMessage(), Holder.CONFIGURATION_ERROR);
        }
        return Holder.CHOICE;
    }
}
