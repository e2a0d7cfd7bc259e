package geodesic.data;

/**
 * Which of CIFAR-100's two labels a dataset uses. Each CIFAR-100 record carries a coarse label (one of 20
 * superclasses) and then a fine label (one of 100 classes).
 */
public enum CifarLabel {
    /** The 20-way superclass label, the record's first byte. */
    COARSE(20),
    /** The 100-way class label, the record's second byte; the usual CIFAR-100 task and the default. */
    FINE(100);

    private final int numClasses;

    CifarLabel(int numClasses) {
        this.numClasses = numClasses;
    }

    /** Number of classes this label ranges over. */
    public int numClasses() {
        return numClasses;
    }
}
