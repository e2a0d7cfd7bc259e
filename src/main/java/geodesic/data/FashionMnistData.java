package geodesic.data;

import java.util.List;

/**
 * The Fashion-MNIST training and test sets as found by {@link FashionMnistLocator}.
 *
 * @param train    the training images ({@code [N, 1, 28, 28]}, 10 classes)
 * @param test     the test images
 * @param origin   which kind of place supplied them
 * @param location the directory, cache directory or resource they were read from
 * @param skipped  why each place searched before {@code origin} was not used, in search order
 */
public record FashionMnistData(Dataset train, Dataset test, DataOrigin origin, String location,
        List<String> skipped) {
    public FashionMnistData {
        skipped = List.copyOf(skipped);
    }

    /** One line naming the origin, the location and the sizes, e.g. for a {@code "data: ..."} log entry. */
    public String describe() {
        return "Fashion-MNIST from " + location + " (" + origin.description() + "): " + train.size() + " train, "
                + test.size() + " test images";
    }
}
