package geodesic.train.experiment;

import geodesic.data.Dataset;
import geodesic.nn.Architectures;
import geodesic.nn.Sequential;
import java.util.List;

/** The models experiments and {@code geodesic train} can name, built for a dataset's image shape. */
public final class ModelCatalog {
    /** {@code cnn} and {@code mlp} take 1x28x28 images; {@code alexnet} and {@code vgg} any square images. */
    public static final List<String> NAMES = List.of("cnn", "mlp", "alexnet", "vgg");

    private ModelCatalog() {
    }

    /**
     * The builder of model {@code name} for images shaped like {@code data}'s, with its class count.
     *
     * @throws IllegalArgumentException if the name is unknown, or the model cannot take the images' shape
     */
    public static Sequential.Builder builder(String name, Dataset data) {
        int c = data.channels();
        boolean fixedShape = name.equals("cnn") || name.equals("mlp");
        if (fixedShape && (c != 1 || data.height() != 28 || data.width() != 28)) {
            throw new IllegalArgumentException("model " + name + " takes 1x28x28 images, data has " + c + "x"
                    + data.height() + "x" + data.width());
        }
        return switch (name) {
            case "cnn" -> Architectures.referenceCnn();
            case "mlp" -> Architectures.mlp();
            case "alexnet" -> Architectures.alexNet(c, data.height(), data.numClasses());
            case "vgg" -> Architectures.vgg(c, data.height(), data.numClasses());
            default -> throw new IllegalArgumentException("unknown model \"" + name + "\" (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
