package geodesic.train.experiment;

import geodesic.train.experiment.JsonValue.JsonArray;
import geodesic.train.experiment.JsonValue.JsonBoolean;
import geodesic.train.experiment.JsonValue.JsonNumber;
import geodesic.train.experiment.JsonValue.JsonObject;
import geodesic.train.experiment.JsonValue.JsonString;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a parsed configuration into an {@link ExperimentConfig}. Every mistake becomes an
 * {@link IllegalArgumentException} of the form {@code "<file>: <field path> (line N): <problem>"}, where the field
 * path reads like {@code optimizers[2].lr} or {@code data.trainSubset}. Unknown members are errors (they are
 * usually typos), except inside an optimizer entry, whose extra members are its hyper-parameters and are checked
 * by the {@link OptimizerCatalog}.
 */
final class ConfigReader {
    private static final Set<String> TOP = Set.of("name", "description", "output", "data", "epochs", "epochScale",
            "batchSize", "learningRateDecay", "threads", "seeds", "models", "optimizers");
    private static final Set<String> DATA = Set.of("dataset", "source", "trainSubset", "testSubset",
            "validationFraction", "seed");
    private static final Set<String> DECAY = Set.of("epochs", "factor");

    private final String source;

    ConfigReader(String source) {
        this.source = source;
    }

    ExperimentConfig read(JsonValue root) {
        JsonObject top = object(root, "the top level");
        onlyKnown(top, "", TOP);
        String name = string(top, "", "name", null);
        if (name.isBlank()) {
            throw error("name", top.members().get("name"), "must not be empty");
        }
        String description = string(top, "", "description", "");
        Path output = output(top, string(top, "", "output", "runs/" + RunSpec.slug(name)));
        DataSpec data = data(required(top, "", "data"));

        int epochs = integer(top, "", "epochs", null, 1, 1_000_000);
        double epochScale = number(top, "", "epochScale", 1.0, Double.MIN_VALUE, 1e6);
        int batchSize = integer(top, "", "batchSize", 128, 1, 1 << 20);
        List<Integer> decayEpochs = List.of();
        double decayFactor = 1;
        JsonValue decay = top.members().get("learningRateDecay");
        if (decay != null) {
            JsonObject d = object(decay, "learningRateDecay");
            onlyKnown(d, "learningRateDecay.", DECAY);
            JsonArray list = array(required(d, "learningRateDecay.", "epochs"), "learningRateDecay.epochs");
            decayEpochs = new ArrayList<>();
            for (int i = 0; i < list.elements().size(); i++) {
                String path = "learningRateDecay.epochs[" + i + "]";
                int e = integerValue(list.elements().get(i), path, 1, epochs);
                if (!decayEpochs.isEmpty() && e <= decayEpochs.get(decayEpochs.size() - 1)) {
                    throw error(path, list.elements().get(i), "decay epochs must increase, got " + e + " after "
                            + decayEpochs.get(decayEpochs.size() - 1));
                }
                decayEpochs.add(e);
            }
            decayFactor = number(d, "learningRateDecay.", "factor", null, Double.MIN_VALUE, 1);
        }
        Protocol protocol = new Protocol(epochs, epochScale, batchSize, decayEpochs, decayFactor);
        int threads = integer(top, "", "threads", Runtime.getRuntime().availableProcessors(), 1, 4096);

        JsonArray seedList = nonEmptyArray(required(top, "", "seeds"), "seeds");
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < seedList.elements().size(); i++) {
            long s = integerValue(seedList.elements().get(i), "seeds[" + i + "]", 0, Integer.MAX_VALUE);
            if (seeds.contains(s)) {
                throw error("seeds[" + i + "]", seedList.elements().get(i), "seed " + s + " appears twice");
            }
            seeds.add(s);
        }

        JsonArray modelList = nonEmptyArray(required(top, "", "models"), "models");
        List<String> models = new ArrayList<>();
        for (int i = 0; i < modelList.elements().size(); i++) {
            String path = "models[" + i + "]";
            JsonValue v = modelList.elements().get(i);
            String m = stringValue(v, path);
            if (!ModelCatalog.NAMES.contains(m)) {
                throw error(path, v, "unknown model \"" + m + "\" (known: " + String.join(", ", ModelCatalog.NAMES)
                        + ")");
            }
            if (models.contains(m)) {
                throw error(path, v, "model \"" + m + "\" appears twice");
            }
            models.add(m);
        }

        JsonArray optimizerList = nonEmptyArray(required(top, "", "optimizers"), "optimizers");
        List<OptimizerEntry> optimizers = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < optimizerList.elements().size(); i++) {
            String path = "optimizers[" + i + "]";
            OptimizerEntry entry = optimizer(optimizerList.elements().get(i), path, models);
            if (!labels.add(entry.label())) {
                throw error(path, optimizerList.elements().get(i), "label \"" + entry.label()
                        + "\" is used by an earlier entry; give each entry a distinct \"label\"");
            }
            optimizers.add(entry);
        }
        return new ExperimentConfig(source, name, description, output, data, protocol, threads, seeds, models,
                optimizers);
    }

    private DataSpec data(JsonValue value) {
        JsonObject d = object(value, "data");
        onlyKnown(d, "data.", DATA);
        String dataset = string(d, "data.", "dataset", DataSpec.FASHION_MNIST);
        if (!dataset.equals(DataSpec.FASHION_MNIST)) {
            throw error("data.dataset", d.members().get("dataset"), "unknown dataset \"" + dataset + "\" (known: "
                    + DataSpec.FASHION_MNIST + ")");
        }
        String dataSource = string(d, "data.", "source", "auto");
        if (dataSource.isBlank()) {
            throw error("data.source", d.members().get("source"), "must be \"auto\", \"embedded\" or a directory");
        }
        int train = integer(d, "data.", "trainSubset", 0, 0, Integer.MAX_VALUE);
        int test = integer(d, "data.", "testSubset", 0, 0, Integer.MAX_VALUE);
        double validation = number(d, "data.", "validationFraction", 0.1, 0, 0.9);
        long seed = integer(d, "data.", "seed", 0, 0, Integer.MAX_VALUE);
        return new DataSpec(dataset, dataSource, train, test, validation, seed);
    }

    private OptimizerEntry optimizer(JsonValue value, String path, List<String> models) {
        JsonObject o = object(value, path);
        String name = string(o, path + ".", "name", null);
        String label = string(o, path + ".", "label", name);
        if (RunSpec.slug(label).isEmpty()) {
            // Without a label the name is the label, so the name is what needs fixing.
            String field = o.members().containsKey("label") ? "label" : "name";
            throw error(path + "." + field, o.members().get(field), "needs at least one letter or digit");
        }
        Map<String, Map<String, List<Object>>> choices = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
            String key = m.getKey();
            if (key.equals("name") || key.equals("label")) {
                continue;
            }
            String keyPath = path + "." + key;
            Map<String, List<Object>> byModel = new LinkedHashMap<>();
            if (m.getValue() instanceof JsonObject perModel) {
                for (Map.Entry<String, JsonValue> pm : perModel.members().entrySet()) {
                    if (!ModelCatalog.NAMES.contains(pm.getKey())) {
                        throw error(keyPath + "." + pm.getKey(), pm.getValue(), "unknown model \"" + pm.getKey()
                                + "\" (keys of a per-model value are model names: "
                                + String.join(", ", ModelCatalog.NAMES) + ")");
                    }
                    byModel.put(pm.getKey(), values(pm.getValue(), keyPath + "." + pm.getKey(), key));
                }
                for (String model : models) {
                    if (!byModel.containsKey(model)) {
                        throw error(keyPath, perModel, "no value for model \"" + model + "\"");
                    }
                }
            } else {
                List<Object> shared = values(m.getValue(), keyPath, key);
                for (String model : models) {
                    byModel.put(model, shared);
                }
            }
            choices.put(key, byModel);
        }
        return new OptimizerEntry(name, label, choices, source + ": " + path);
    }

    /** A hyper-parameter's values: one scalar, or a non-empty list of distinct scalars. */
    private List<Object> values(JsonValue v, String path, String key) {
        if (v instanceof JsonArray a) {
            if (a.elements().isEmpty()) {
                throw error(path, v, "an empty list gives no value to try");
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < a.elements().size(); i++) {
                Object x = scalar(a.elements().get(i), path + "[" + i + "]", key);
                if (out.contains(x)) {
                    throw error(path + "[" + i + "]", a.elements().get(i), "value " + ExperimentConfig.format(x)
                            + " appears twice");
                }
                out.add(x);
            }
            return out;
        }
        return List.of(scalar(v, path, key));
    }

    private Object scalar(JsonValue v, String path, String key) {
        Object x = switch (v) {
            case JsonNumber n -> n.value().doubleValue();
            case JsonBoolean b -> b.value();
            case JsonString s -> s.value();
            default -> throw error(path, v, "must be a number, boolean or string, a list of them, or an object by"
                    + " model name; got " + v.typeName());
        };
        if (x instanceof Double d && !Double.isFinite(d)) {
            throw error(path, v, "number out of range");
        }
        if (ExperimentConfig.isEpochKey(key)
                && !(v instanceof JsonNumber n && isWhole(n.value()) && n.value().signum() > 0)) {
            throw error(path, v, "an epoch number (a name ending in \"Epoch\") must be a positive integer, got "
                    + show(v));
        }
        return x;
    }

    private JsonValue required(JsonObject o, String prefix, String key) {
        JsonValue v = o.members().get(key);
        if (v == null) {
            String where = prefix.isEmpty() ? "at the top level" : "in " + prefix.substring(0, prefix.length() - 1);
            throw new IllegalArgumentException(source + ": missing field \"" + key + "\" " + where + " (line "
                    + o.line() + ")");
        }
        return v;
    }

    private void onlyKnown(JsonObject o, String prefix, Set<String> known) {
        for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
            if (!known.contains(m.getKey())) {
                throw error(prefix + m.getKey(), m.getValue(), "unknown field (known here: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private String string(JsonObject o, String prefix, String key, String fallback) {
        JsonValue v = fallback == null ? required(o, prefix, key) : o.members().get(key);
        return v == null ? fallback : stringValue(v, prefix + key);
    }

    private int integer(JsonObject o, String prefix, String key, Integer fallback, int min, int max) {
        JsonValue v = fallback == null ? required(o, prefix, key) : o.members().get(key);
        return v == null ? fallback : integerValue(v, prefix + key, min, max);
    }

    private double number(JsonObject o, String prefix, String key, Double fallback, double min, double max) {
        JsonValue v = fallback == null ? required(o, prefix, key) : o.members().get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof JsonNumber n)) {
            throw error(prefix + key, v, "must be a number, got " + show(v));
        }
        double d = n.value().doubleValue();
        if (!(d >= min && d <= max)) {
            throw error(prefix + key, v, "must be in " + (min == Double.MIN_VALUE ? "(0" : "[" + min) + ", " + max
                    + "], got " + n.value());
        }
        return d;
    }

    private String stringValue(JsonValue v, String path) {
        if (!(v instanceof JsonString s)) {
            throw error(path, v, "must be a string, got " + show(v));
        }
        return s.value();
    }

    private int integerValue(JsonValue v, String path, int min, int max) {
        if (!(v instanceof JsonNumber n) || !isWhole(n.value())) {
            throw error(path, v, "must be an integer, got " + show(v));
        }
        BigDecimal x = n.value();
        if (x.compareTo(BigDecimal.valueOf(min)) < 0 || x.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error(path, v, "must be in [" + min + ", " + max + "], got " + x.toPlainString());
        }
        return x.intValueExact();
    }

    private JsonObject object(JsonValue v, String path) {
        if (!(v instanceof JsonObject o)) {
            throw error(path, v, "must be an object, got " + show(v));
        }
        return o;
    }

    private JsonArray array(JsonValue v, String path) {
        if (!(v instanceof JsonArray a)) {
            throw error(path, v, "must be a list, got " + show(v));
        }
        return a;
    }

    private JsonArray nonEmptyArray(JsonValue v, String path) {
        JsonArray a = array(v, path);
        if (a.elements().isEmpty()) {
            throw error(path, v, "must not be empty");
        }
        return a;
    }

    private static boolean isWhole(BigDecimal x) {
        return x.signum() == 0 || x.stripTrailingZeros().scale() <= 0;
    }

    private static String show(JsonValue v) {
        return switch (v) {
            case JsonString s -> "\"" + s.value() + "\"";
            case JsonNumber n -> n.value().toPlainString();
            case JsonBoolean b -> Boolean.toString(b.value());
            default -> v.typeName();
        };
    }

    /** {@code text} as a path, or the error naming the field when the platform cannot represent it. */
    private Path output(JsonObject top, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw error("output", top.members().get("output"), "not a valid path: " + e.getReason());
        }
    }

    private IllegalArgumentException error(String path, JsonValue at, String problem) {
        return new IllegalArgumentException(source + ": " + path + " (line " + at.line() + "): " + problem);
    }
}
