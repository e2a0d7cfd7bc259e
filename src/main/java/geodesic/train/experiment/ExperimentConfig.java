package geodesic.train.experiment;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An experiment: a grid of models x optimizer settings x seeds trained under one {@link Protocol} on one
 * {@link DataSpec}, read from a JSON file. The file's format, with every field:
 * <pre>{@code
 * {
 *   "name": "short-fashion-mnist",            required; names the output and the report
 *   "description": "...",                      optional text for the report
 *   "output": "runs/short-fashion-mnist",      optional; default runs/<name>; relative to the working directory
 *   "data": {                                  required
 *     "dataset": "fashion-mnist",              optional, the only one known
 *     "source": "auto",                        optional: auto | embedded | a directory
 *     "trainSubset": 3000, "testSubset": 2000, optional; 0 (default) keeps all
 *     "validationFraction": 0.1,               optional, default 0.1, carved from the kept training images
 *     "seed": 0                                optional seed of subsamples and split, default 0
 *   },
 *   "epochs": 164, "epochScale": 0.125,        epochs required; scale optional, default 1 (see Protocol)
 *   "batchSize": 128,                          optional, default 128
 *   "learningRateDecay": {"epochs": [81, 122], "factor": 0.1},   optional, default none
 *   "threads": 2,                              optional, default: all processors
 *   "seeds": [1, 2, 3],                        required, distinct, >= 0
 *   "models": ["alexnet", "vgg"],              required, from cnn, mlp, alexnet, vgg
 *   "optimizers": [                            required, at least one
 *     {"name": "sgd", "lr": 0.1},
 *     {"name": "sgd", "label": "sgd (grid)", "lr": [0.1, 0.01]},              a list: one group per value
 *     {"name": "tso-alra", "lr": 0.01, "switchEpoch": {"alexnet": 70, "vgg": 25}}   an object: per model
 *   ]
 * }
 * }</pre>
 * An optimizer entry's other members are its hyper-parameters (see {@link OptimizerCatalog}): a number, boolean or
 * string; a list of those (a grid); or an object giving the value (or list) for each model of {@code "models"}.
 * Members whose name ends in {@code Epoch} count epochs ("switch after epoch e") and are scaled with the protocol
 * ({@link Protocol#scale}), so a shortened protocol keeps them in proportion.
 *
 * @param source      the file, as given, for messages
 * @param name        the experiment's name
 * @param description free text for the report, possibly empty
 * @param output      the directory that receives run CSVs, aggregates, plots and the table
 * @param data        the images
 * @param protocol    the schedule every run follows
 * @param threads     kernel threads of each run (runs are sequential)
 * @param seeds       the seeds, each a run per model and setting
 * @param models      model names
 * @param optimizers  optimizer entries, in report order
 */
public record ExperimentConfig(String source, String name, String description, Path output, DataSpec data,
                               Protocol protocol, int threads, List<Long> seeds, List<String> models,
                               List<OptimizerEntry> optimizers) {

    /** Training and test images of {@code --smoke}: a few hundred from the embedded subset. */
    public static final int SMOKE_TRAIN = 256;
    public static final int SMOKE_TEST = 256;
    /** Epochs of {@code --smoke}. */
    public static final int SMOKE_EPOCHS = 2;

    public ExperimentConfig {
        seeds = List.copyOf(seeds);
        models = List.copyOf(models);
        optimizers = List.copyOf(optimizers);
        if (threads < 1) {
            throw new IllegalArgumentException(source + ": threads must be >= 1, got " + threads);
        }
        if (seeds.isEmpty() || models.isEmpty() || optimizers.isEmpty()) {
            throw new IllegalArgumentException(source + ": seeds, models and optimizers must not be empty");
        }
    }

    /**
     * Reads and checks a configuration file (structure, types, ranges; optimizer names and hyper-parameters are
     * checked by {@link OptimizerCatalog#check}).
     *
     * @throws IOException              naming the file if it is missing or unreadable
     * @throws IllegalArgumentException naming the file, the field (e.g. {@code optimizers[2].lr}) and the problem
     */
    public static ExperimentConfig read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "experiment configuration not found");
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text", e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses configuration text.
     *
     * @param source names the text in messages
     * @throws IllegalArgumentException naming the source, the field and the problem
     */
    public static ExperimentConfig parse(String text, String source) {
        return new ConfigReader(source).read(JsonParser.parse(text, source));
    }

    /** Every run of the grid: for each model, each optimizer entry, each combination of its values, each seed. */
    public List<RunSpec> runs() {
        List<RunSpec> runs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String model : models) {
            for (OptimizerEntry entry : optimizers) {
                List<String> varied = entry.variedKeys(model);
                for (Map<String, Object> combination : entry.combinations(model)) {
                    Map<String, Object> scaled = new LinkedHashMap<>();
                    combination.forEach((k, v) -> scaled.put(k, isEpochKey(k) && v instanceof Double d
                            ? (double) protocol.scale((int) (double) d) : v));
                    String group = entry.label() + varied.stream().map(k -> " " + k + "=" + format(scaled.get(k)))
                            .collect(Collectors.joining());
                    for (long seed : seeds) {
                        String id = RunSpec.slug(model) + "_" + RunSpec.slug(group) + "_seed" + seed;
                        if (!ids.add(id)) {
                            throw new IllegalArgumentException(source + ": two runs would share the file name " + id
                                    + "; give the optimizer entries distinct labels");
                        }
                        String fingerprint = "model=" + model + "; optimizer=" + entry.name() + "; hyperparameters="
                                + describe(scaled) + "; seed=" + seed + "; protocol=" + protocol.describe()
                                + "; data=" + data.describe();
                        runs.add(new RunSpec(id, model, entry, group, scaled, seed, fingerprint));
                    }
                }
            }
        }
        return runs;
    }

    /**
     * The {@code --smoke} variant: the same grid with one seed, {@value #SMOKE_EPOCHS} epochs (every epoch number
     * compressed by the same factor), {@value #SMOKE_TRAIN} training and {@value #SMOKE_TEST} test images of the
     * embedded subset, written next to the real output in {@code <output>-smoke}.
     */
    public ExperimentConfig smoke() {
        int train = data.trainSubset() == 0 ? SMOKE_TRAIN : Math.min(SMOKE_TRAIN, data.trainSubset());
        int test = data.testSubset() == 0 ? SMOKE_TEST : Math.min(SMOKE_TEST, data.testSubset());
        Protocol p = protocol.compressedTo(Math.min(SMOKE_EPOCHS, protocol.scaledEpochs()));
        return new ExperimentConfig(source, name + " (smoke)", description, Path.of(output + "-smoke"),
                data.withSource("embedded").withSubsets(train, test), p, threads, seeds.subList(0, 1), models,
                optimizers);
    }

    /** The same experiment writing to {@code dir}. */
    public ExperimentConfig withOutput(Path dir) {
        return new ExperimentConfig(source, name, description, dir, data, protocol, threads, seeds, models,
                optimizers);
    }

    /** The same experiment with {@code n} kernel threads per run. */
    public ExperimentConfig withThreads(int n) {
        return new ExperimentConfig(source, name, description, output, data, protocol, n, seeds, models,
                optimizers);
    }

    /** The same experiment reading its images from {@code dataSource} ({@code auto}, {@code embedded} or a path). */
    public ExperimentConfig withDataSource(String dataSource) {
        return new ExperimentConfig(source, name, description, output, data.withSource(dataSource), protocol,
                threads, seeds, models, optimizers);
    }

    /** Whether hyper-parameter {@code key} is an epoch number, scaled with the protocol. */
    static boolean isEpochKey(String key) {
        return key.endsWith("Epoch");
    }

    /** A hyper-parameter value as configurations and file names show it: {@code 0.001}, {@code 9}, {@code true}. */
    static String format(Object value) {
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static String describe(Map<String, Object> values) {
        return values.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + format(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
}
