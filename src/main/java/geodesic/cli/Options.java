package geodesic.cli;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} / {@code --flag} options of one subcommand, checked against the names that command
 * accepts. Values may also be written {@code --name=value}. Every mistake (unknown option, missing or malformed
 * value, value out of range) is a {@link UsageException} naming the option and the value.
 */
final class Options {
    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Options(String command, Map<String, String> values, Set<String> flags) {
        this.command = command;
        this.values = values;
        this.flags = flags;
    }

    /**
     * Parses {@code args} for {@code command}.
     *
     * @param valued names (without {@code --}) that take a value
     * @param switches names that take none
     */
    static Options parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                flags.add(name);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (values.put(name, value) != null) {
                    throw new UsageException(command + ": option --" + name + " given twice");
                }
            } else {
                Set<String> known = new HashSet<>(valued);
                known.addAll(switches);
                throw new UsageException(command + ": unknown option --" + name + " (known: "
                        + known.stream().sorted().map(k -> "--" + k).reduce((a, b) -> a + ", " + b).orElse("none") + ")");
            }
        }
        return new Options(command, values, flags);
    }

    boolean has(String name) {
        return values.containsKey(name) || flags.contains(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value as an int in {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new UsageException(command + ": --" + name + " must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    /** The value as a finite double in {@code [min, max]}, or {@code fallback} when absent. */
    double number(String name, double fallback, double min, double max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(x) || x < min || x > max) {
            throw new UsageException(command + ": --" + name + " must be a finite number in [" + min + ", " + max
                    + "], got " + v);
        }
        return x;
    }

    /** The value, which must be one of {@code choices}, or {@code fallback} when absent. */
    String choice(String name, String fallback, List<String> choices) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!choices.contains(v)) {
            throw new UsageException(command + ": --" + name + " must be one of " + String.join(", ", choices)
                    + ", got '" + v + "'");
        }
        return v;
    }
}
