package geodesic.train.experiment;

/**
 * Which images an experiment trains and tests on, and how the training set is cut down and split.
 *
 * @param dataset            the dataset's name; only {@code "fashion-mnist"} is known
 * @param source             where to find it: {@code "auto"} (GEODESIC_DATA, Debian's package, cache, download,
 *                           embedded subset, in that order), {@code "embedded"} (the subset shipped in the jar) or
 *                           a directory holding the IDX files
 * @param trainSubset        training images kept before the validation split (a stratified sample), or 0 for all
 * @param testSubset         test images kept (a stratified sample), or 0 for all
 * @param validationFraction share of the kept training images held out for validation, in {@code [0, 0.9]}
 * @param seed               seed of the subsamples and of the split; the same for every run, so that runs differ
 *                           only in their own seed
 */
public record DataSpec(String dataset, String source, int trainSubset, int testSubset, double validationFraction,
                       long seed) {

    /** The dataset every shipped configuration uses. */
    public static final String FASHION_MNIST = "fashion-mnist";

    /** @throws IllegalArgumentException naming the value that is out of range */
    public DataSpec {
        if (!FASHION_MNIST.equals(dataset)) {
            throw new IllegalArgumentException("dataset must be \"" + FASHION_MNIST + "\", got \"" + dataset + "\"");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("data source must be \"auto\", \"embedded\" or a directory, got \""
                    + source + "\"");
        }
        if (trainSubset < 0 || testSubset < 0) {
            throw new IllegalArgumentException("subset sizes must be >= 0 (0 keeps all), got train " + trainSubset
                    + ", test " + testSubset);
        }
        if (!(validationFraction >= 0 && validationFraction <= 0.9)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 0.9], got " + validationFraction);
        }
        if (seed < 0) {
            throw new IllegalArgumentException("data seed must be >= 0, got " + seed);
        }
    }

    /** The same, read from {@code source} instead. */
    public DataSpec withSource(String newSource) {
        return new DataSpec(dataset, newSource, trainSubset, testSubset, validationFraction, seed);
    }

    /** The same with other subset sizes. */
    public DataSpec withSubsets(int train, int test) {
        return new DataSpec(dataset, source, train, test, validationFraction, seed);
    }

    /** One line, e.g. {@code "fashion-mnist (auto), 3000 training images (10% validation), 2000 test images"}. */
    public String describe() {
        return dataset + " (" + source + "), " + (trainSubset == 0 ? "all" : Integer.toString(trainSubset))
                + " training images (" + Math.round(validationFraction * 100) + "% validation), "
                + (testSubset == 0 ? "all" : Integer.toString(testSubset)) + " test images, data seed " + seed;
    }
}
