package geodesic.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything that determines an optimizer's future steps, as named values: float arrays (moments, factors,
 * roots), double arrays, longs (step counters) and strings (phase names). A checkpoint writes it as is, and
 * {@link Optimizer#importState} restores an optimizer built with the same parameters and hyper-parameters, so
 * that training resumes bit-exactly.
 *
 * <p>Names are free-form but by convention {@code "<what>/<parameter name>"}, e.g. {@code "momentum/conv1.weight"}.
 * Getters check presence and length and throw {@link IllegalArgumentException} naming the entry, so a state from
 * another model or optimizer is refused with the parameter that does not match. Arrays are copied on the way in
 * and out; an instance is not thread-safe while being filled.
 */
public final class OptimizerState {
    private final String kind;
    private final Map<String, float[]> floats = new TreeMap<>();
    private final Map<String, double[]> doubles = new TreeMap<>();
    private final Map<String, Long> longs = new TreeMap<>();
    private final Map<String, String> strings = new TreeMap<>();

    /** @param kind the optimizer's name, e.g. {@code "sgd"}; import refuses a state of another kind */
    public OptimizerState(String kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * A state holding the two entries every optimizer exports: its step count ({@code "steps"}) and learning rate
     * ({@code "lr"}).
     */
    public static OptimizerState withProgress(String kind, long steps, double lr) {
        return new OptimizerState(kind).putLong("steps", steps).putDoubles("lr", new double[] {lr});
    }

    /** @throws IllegalArgumentException if the {@code "steps"} entry is missing or negative */
    public long steps() {
        long steps = longValue("steps");
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") entry steps is negative: " + steps);
        }
        return steps;
    }

    /** @throws IllegalArgumentException if the {@code "lr"} entry is missing, negative or not finite */
    public double learningRate() {
        double lr = doubles("lr")[0];
        if (!(lr >= 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") entry lr must be finite and >= 0, got "
                    + lr);
        }
        return lr;
    }

    public String kind() {
        return kind;
    }

    public OptimizerState putFloats(String name, float[] values) {
        floats.put(name, values.clone());
        return this;
    }

    public OptimizerState putDoubles(String name, double[] values) {
        doubles.put(name, values.clone());
        return this;
    }

    public OptimizerState putLong(String name, long value) {
        longs.put(name, value);
        return this;
    }

    public OptimizerState putString(String name, String value) {
        strings.put(name, Objects.requireNonNull(value, name));
        return this;
    }

    /**
     * Copies the float array {@code name} into {@code target}.
     *
     * @throws IllegalArgumentException if it is missing or its length differs from {@code target}'s
     */
    public void copyFloatsInto(String name, float[] target) {
        float[] v = floats.get(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") has no entry " + name);
        }
        if (v.length != target.length) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") entry " + name + " has " + v.length
                    + " values, the optimizer expects " + target.length);
        }
        System.arraycopy(v, 0, target, 0, v.length);
    }

    /** @throws IllegalArgumentException if {@code name} is missing */
    public double[] doubles(String name) {
        double[] v = doubles.get(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") has no entry " + name);
        }
        return v.clone();
    }

    /** @throws IllegalArgumentException if {@code name} is missing */
    public long longValue(String name) {
        Long v = longs.get(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") has no entry " + name);
        }
        return v;
    }

    /** @throws IllegalArgumentException if {@code name} is missing */
    public String string(String name) {
        String v = strings.get(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state (" + kind + ") has no entry " + name);
        }
        return v;
    }

    /** @throws IllegalArgumentException if this state was exported by another kind of optimizer */
    public void requireKind(String expected) {
        if (!kind.equals(expected)) {
            throw new IllegalArgumentException("optimizer state is from '" + kind + "', cannot restore '" + expected + "'");
        }
    }

    /** Read-only views, sorted by name, for serialisation. */
    public Map<String, float[]> floats() {
        return Collections.unmodifiableMap(floats);
    }

    public Map<String, double[]> doubles() {
        return Collections.unmodifiableMap(doubles);
    }

    public Map<String, Long> longs() {
        return Collections.unmodifiableMap(longs);
    }

    public Map<String, String> strings() {
        return Collections.unmodifiableMap(strings);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerState s) || !kind.equals(s.kind) || !longs.equals(s.longs)
                || !strings.equals(s.strings) || !floats.keySet().equals(s.floats.keySet())
                || !doubles.keySet().equals(s.doubles.keySet())) {
            return false;
        }
        for (var e : floats.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.floats.get(e.getKey()))) {
                return false;
            }
        }
        for (var e : doubles.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.doubles.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, longs, strings, floats.keySet(), doubles.keySet());
    }
}
