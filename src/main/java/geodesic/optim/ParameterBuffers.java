package geodesic.optim;

import geodesic.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One float buffer per parameter, each as long as its parameter: a moment estimate, an accumulator or a momentum
 * buffer of an optimizer. In an {@link OptimizerState} buffer {@code i} is the entry
 * {@code "<name>/<parameter i's name>"}, torch's state key followed by the parameter, e.g.
 * {@code "exp_avg/fc1.weight"}.
 *
 * <p>Import is two-phase so that a refused state changes nothing: {@link #restoreAll} validates and copies every
 * entry of every buffer set first, then installs the copies.
 */
final class ParameterBuffers {
    private final String name;
    private final List<Parameter> parameters;
    private final float[][] data;

    /**
     * @param name         the state key, e.g. {@code "exp_avg"}
     * @param parameters   the optimizer's parameters, with distinct names
     * @param initialValue the value every element starts from (torch's zeros, or Adagrad's initial accumulator)
     */
    ParameterBuffers(String name, List<Parameter> parameters, float initialValue) {
        this.name = name;
        this.parameters = parameters;
        this.data = new float[parameters.size()][];
        for (int i = 0; i < data.length; i++) {
            data[i] = new float[parameters.get(i).size()];
            if (initialValue != 0f) {
                Arrays.fill(data[i], initialValue);
            }
        }
    }

    /** The live buffer of parameter {@code i}, updated in place by the kernels. */
    float[] of(int i) {
        return data[i];
    }

    void exportTo(OptimizerState state) {
        for (int i = 0; i < data.length; i++) {
            state.putFloats(entry(i), data[i]);
        }
    }

    /**
     * Copies of this set's entries in {@code state}, checked against the parameters' sizes.
     *
     * @throws IllegalArgumentException naming the first entry that is missing or has the wrong length
     */
    private float[][] read(OptimizerState state) {
        float[][] copies = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            copies[i] = new float[data[i].length];
            state.copyFloatsInto(entry(i), copies[i]);
        }
        return copies;
    }

    private void restore(float[][] copies) {
        for (int i = 0; i < data.length; i++) {
            System.arraycopy(copies[i], 0, data[i], 0, data[i].length);
        }
    }

    private String entry(int i) {
        return name + "/" + parameters.get(i).name();
    }

    /**
     * Restores every buffer set from {@code state}, or none: all entries are checked before any is installed. The
     * state may hold no float entry outside {@code buffers}, such as a momentum buffer exported by an optimizer
     * built with momentum and offered to one without, since importing it would silently drop part of the state.
     *
     * @param settings the importing optimizer's {@link Optimizer#describe()}, for the message
     * @throws IllegalArgumentException naming the first entry that is missing, has the wrong length or is
     *                                  unexpected; nothing is changed then
     */
    static void restoreAll(OptimizerState state, String settings, List<ParameterBuffers> buffers) {
        Set<String> known = new HashSet<>();
        for (ParameterBuffers b : buffers) {
            for (int i = 0; i < b.data.length; i++) {
                known.add(b.entry(i));
            }
        }
        for (String entry : state.floats().keySet()) {
            if (!known.contains(entry)) {
                throw new IllegalArgumentException("optimizer state (" + state.kind() + ") entry " + entry
                        + " has no place in " + settings + "; it was exported with other settings or parameters");
            }
        }
        List<float[][]> copies = new ArrayList<>(buffers.size());
        for (ParameterBuffers b : buffers) {
            copies.add(b.read(state));
        }
        for (int k = 0; k < buffers.size(); k++) {
            buffers.get(k).restore(copies.get(k));
        }
    }

    /**
     * State entries are keyed by parameter name, so two parameters of one name would share them.
     *
     * @return an immutable copy of {@code parameters}
     * @throws IllegalArgumentException naming the first repeated name
     */
    static List<Parameter> requireDistinctNames(List<Parameter> parameters) {
        List<Parameter> copy = List.copyOf(parameters);
        Set<String> seen = new HashSet<>();
        for (Parameter p : copy) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("parameter name " + p.name()
                        + " appears twice; optimizer state is keyed by parameter name");
            }
        }
        return copy;
    }
}
