package geodesic.train.experiment;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The hyper-parameter values of one run as an {@link OptimizerFactory} reads them: numbers, flags, words and
 * epochs, each checked for type and range, with errors naming the configuration entry, the key and the value.
 * Epoch values are already scaled by the protocol. The object remembers which keys were read, so that the catalog
 * can reject keys an optimizer does not know (typos) after {@link OptimizerFactory#configure}.
 *
 * <p>Not thread-safe; one factory reads it once.
 */
public final class Hyperparameters {
    private final Map<String, Object> values;
    private final String context;
    private final Set<String> read = new HashSet<>();

    /**
     * @param values  numbers as {@link Double}, {@link Boolean}s and {@link String}s by key
     * @param context names the values in messages, e.g. {@code "experiments/x.json: optimizers[1] (adam)"}
     */
    public Hyperparameters(Map<String, Object> values, String context) {
        this.values = new TreeMap<>(values);
        this.context = context;
    }

    /**
     * A required number in {@code [min, max]}.
     *
     * @throws IllegalArgumentException if missing, not a number, or out of range
     */
    public double number(String key, double min, double max) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(context + ": missing hyper-parameter \"" + key + "\" (a number in ["
                    + min + ", " + max + "])");
        }
        return number(key, Double.NaN, min, max);
    }

    /**
     * A number in {@code [min, max]}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not a number, or out of range
     */
    public double number(String key, double fallback, double min, double max) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Double d)) {
            throw wrongType(key, "a number", v);
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(context + ": hyper-parameter \"" + key + "\" must be in [" + min + ", "
                    + max + "], got " + d);
        }
        return d;
    }

    /**
     * A whole number in {@code [min, max]}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not a whole number, or out of range
     */
    public int integer(String key, int fallback, int min, int max) {
        double d = number(key, fallback, min, max);
        if (d != Math.rint(d)) {
            throw wrongType(key, "a whole number", d);
        }
        return (int) d;
    }

    /**
     * A decay factor in {@code [0, 1)}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not a number, or out of range
     */
    public double decay(String key, double fallback) {
        double d = number(key, fallback, 0, 1);
        if (d == 1) {
            throw new IllegalArgumentException(context + ": hyper-parameter \"" + key + "\" must be in [0, 1), got 1");
        }
        return d;
    }

    /**
     * A number in {@code (0, max]}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not a number, or out of range
     */
    public double positive(String key, double fallback, double max) {
        double d = number(key, fallback, 0, max);
        if (d == 0) {
            throw new IllegalArgumentException(context + ": hyper-parameter \"" + key + "\" must be in (0, " + max
                    + "], got 0");
        }
        return d;
    }

    /**
     * A boolean, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not {@code true} or {@code false}
     */
    public boolean flag(String key, boolean fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(key, "true or false", v);
        }
        return b;
    }

    /**
     * One of {@code choices}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if present but not one of {@code choices}
     */
    public String choice(String key, String fallback, List<String> choices) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s) || !choices.contains(s)) {
            throw new IllegalArgumentException(context + ": hyper-parameter \"" + key + "\" must be one of "
                    + String.join(", ", choices) + ", got " + show(v));
        }
        return s;
    }

    /**
     * An epoch number (scaled by the protocol), or empty when absent.
     *
     * @throws IllegalArgumentException if present but not a positive integer
     */
    public OptionalInt epoch(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (!(v instanceof Double d) || d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw wrongType(key, "a positive whole epoch number", v);
        }
        return OptionalInt.of((int) (double) d);
    }

    /**
     * Checks that every key given was read.
     *
     * @param optimizer the optimizer's name, for the message
     * @throws IllegalArgumentException naming the unread keys and those that were read
     */
    void requireAllRead(String optimizer) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(context + ": " + optimizer + " has no hyper-parameter "
                    + String.join(", ", unknown.stream().map(k -> "\"" + k + "\"").toList()) + " (it reads: "
                    + String.join(", ", new TreeSet<>(read)) + ")");
        }
    }

    private IllegalArgumentException wrongType(String key, String expected, Object v) {
        return new IllegalArgumentException(context + ": hyper-parameter \"" + key + "\" must be " + expected
                + ", got " + show(v));
    }

    private static String show(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }
}
