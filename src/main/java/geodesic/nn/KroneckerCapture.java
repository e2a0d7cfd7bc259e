package geodesic.nn;

/** The capture flag of a {@link KroneckerFactorSource} and whether its factors are valid now. */
final class KroneckerCapture {
    private final String layer;
    private boolean enabled;
    private boolean valid;

    KroneckerCapture(String layer) {
        this.layer = layer;
    }

    boolean enabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
        valid = false;
    }

    /** A training forward overwrites the inputs the factors point into. */
    void forwardStarted() {
        valid = false;
    }

    /** A training backward completed; the factors are valid if capture was on during it. */
    void backwardCompleted() {
        valid = enabled;
    }

    void requireValid() {
        if (!enabled) {
            throw new IllegalStateException(layer + ": Kronecker factor capture is off; call"
                    + " setKroneckerCapture(true) before the training step");
        }
        if (!valid) {
            throw new IllegalStateException(layer + ": Kronecker factors are valid only after a training backward"
                    + " and before the next training forward");
        }
    }
}
