package geodesic.train.experiment;

import geodesic.data.ChannelNormalization;
import geodesic.data.Dataset;
import geodesic.data.FashionMnistData;
import geodesic.data.FashionMnistLocator;
import geodesic.data.Subsample;
import geodesic.data.TrainValidationSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training, validation and test sets of an experiment, prepared once and shared by all its runs: subsampled
 * (stratified), split, and normalised per channel with the training set's statistics. Training does not modify
 * datasets, so sharing them keeps runs independent.
 */
public final class ExperimentData {
    private final Dataset train;
    private final Dataset validation;
    private final Dataset test;
    private final String description;

    private ExperimentData(Dataset train, Dataset validation, Dataset test, String description) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.description = description;
    }

    /**
     * Loads and prepares the images {@code spec} describes.
     *
     * @throws IOException              if the data cannot be found or read (the message names the places tried)
     * @throws IllegalArgumentException if a subset is larger than the data it is drawn from
     */
    public static ExperimentData load(DataSpec spec) throws IOException {
        FashionMnistData data = locate(spec.source());
        Dataset train = subset(data.train(), spec.trainSubset(), spec.seed(), "data.trainSubset");
        Dataset test = subset(data.test(), spec.testSubset(), spec.seed(), "data.testSubset");
        Dataset validation = null;
        if (spec.validationFraction() > 0) {
            TrainValidationSplit split = TrainValidationSplit.holdOutFraction(train, spec.validationFraction(),
                    spec.seed());
            train = split.train();
            validation = split.validation();
        }
        ChannelNormalization norm = ChannelNormalization.fit(train);
        norm.applyInPlace(train);
        norm.applyInPlace(test);
        if (validation != null) {
            norm.applyInPlace(validation);
        }
        String description = String.format(Locale.ROOT, "%s; train=%d validation=%d test=%d", data.describe(),
                train.size(), validation == null ? 0 : validation.size(), test.size());
        return new ExperimentData(train, validation, test, description);
    }

    /**
     * Fashion-MNIST from {@code source}: {@code "auto"} for the usual search (GEODESIC_DATA, Debian's package,
     * cache, download, embedded subset), {@code "embedded"} for the subset shipped in the jar, else a directory.
     *
     * @throws IOException if the data cannot be found or read
     */
    public static FashionMnistData locate(String source) throws IOException {
        return switch (source) {
            case "auto" -> FashionMnistLocator.defaults().locate();
            case "embedded" -> FashionMnistLocator.embeddedSubset();
            default -> FashionMnistLocator.defaults().withExplicitDirectory(Path.of(source)).locate();
        };
    }

    private static Dataset subset(Dataset data, int k, long seed, String field) {
        if (k == 0 || k == data.size()) {
            return data;
        }
        if (k > data.size()) {
            throw new IllegalArgumentException(field + " is " + k + " but " + data.name() + " has only "
                    + data.size() + " images");
        }
        return Subsample.stratified(data, k, seed);
    }

    /** The images runs train on. */
    public Dataset train() {
        return train;
    }

    /** The held-out part of the training images, or {@code null} when the fraction is 0. */
    public Dataset validation() {
        return validation;
    }

    /** The test images. */
    public Dataset test() {
        return test;
    }

    /** Origin and sizes, one line. */
    public String describe() {
        return description;
    }
}
