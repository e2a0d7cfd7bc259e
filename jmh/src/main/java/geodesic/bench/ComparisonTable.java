package geodesic.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs one comparison benchmark through JMH and prints, per parameter combination, our implementation beside the
 * reference in the same run, with their ratio: one grep-able line each ({@code gemm shape=sq1024 threads=1
 * vector_gflops=... openblas_gflops=... ratio=...}) and then a Markdown table.
 *
 * <p>Usage: {@code bin/geodesic-jmh --table gemm|syrk|eigen|conv [JMH options such as -p shape=sq1024 -f 1]}.
 * The ratio is ours / reference in throughput terms (GFLOP/s, or 1/time where no FLOP count applies), so above
 * 1 means ours is faster.
 */
public final class ComparisonTable {

    private record Preset(String benchmark, String param, String ours, String reference,
                          ToDoubleFunction<Map<String, String>> flops) {
    }

    private static final Map<String, Preset> PRESETS = Map.of(
            "gemm", new Preset(GemmBenchmark.class.getSimpleName(), "impl", "vector", "openblas",
                    p -> GemmShape.of(p.get("shape")).flops()),
            "syrk", new Preset(SymmetricRankUpdateBenchmark.class.getSimpleName(), "impl", "vector", "openblas",
                    p -> {
                        String[] d = p.get("shape").substring(p.get("shape").indexOf(':') + 1).split("x");
                        double rows = Double.parseDouble(d[0]);
                        double n = Double.parseDouble(d[1]);
                        return rows * n * (n + 1);
                    }),
            "eigen", new Preset("EigenBenchmark", "solver", "java", "lapack", p -> Double.NaN),
            "conv", new Preset(ConvBenchmark.class.getSimpleName(), "impl", "vector", "openblas", p -> Double.NaN));

    private ComparisonTable() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        if (args.length == 0 || !PRESETS.containsKey(args[0])) {
            System.err.println("usage: --table " + String.join("|", new TreeMap<>(PRESETS).keySet()) + " [JMH options]");
            System.exit(2);
        }
        Preset preset = PRESETS.get(args[0]);
        CommandLineOptions cli = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            builder.include("\\." + preset.benchmark() + "\\.");
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        print(args[0], preset, results);
    }

    private static void print(String name, Preset preset, Collection<RunResult> results) {
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        Map<String, Map<String, String>> keys = new LinkedHashMap<>();
        String unit = null;
        for (RunResult r : results) {
            BenchmarkParams bp = r.getParams();
            Map<String, String> params = new LinkedHashMap<>();
            String method = bp.getBenchmark();
            params.put("op", method.substring(method.lastIndexOf('.') + 1));
            for (String k : bp.getParamsKeys()) {
                if (!k.equals(preset.param())) {
                    params.put(k, bp.getParam(k));
                }
            }
            String key = params.toString();
            keys.put(key, params);
            rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .put(bp.getParam(preset.param()), r.getPrimaryResult().getScore());
            unit = r.getPrimaryResult().getScoreUnit();
        }
        double toSeconds = secondsPer(unit);
        List<String> table = new ArrayList<>();
        boolean haveFlops = !Double.isNaN(preset.flops().applyAsDouble(keys.values().stream().findFirst().orElse(Map.of())));
        String metric = haveFlops ? "gflops" : "ms";
        table.add("| " + String.join(" | ", keys.values().stream().findFirst().orElse(Map.of()).keySet()) + " | "
                + preset.ours() + " " + metric + " | " + preset.reference() + " " + metric + " | ratio |");
        table.add("|" + "---|".repeat(keys.values().stream().findFirst().orElse(Map.of()).size() + 3));
        for (Map.Entry<String, Map<String, Double>> e : rows.entrySet()) {
            Map<String, String> params = keys.get(e.getKey());
            Double ours = e.getValue().get(preset.ours());
            Double ref = e.getValue().get(preset.reference());
            if (ours == null || ref == null) {
                continue;
            }
            double ratio = ref / ours;
            String a;
            String b;
            if (haveFlops) {
                double f = preset.flops().applyAsDouble(params);
                a = fmt(f / (ours * toSeconds) / 1e9);
                b = fmt(f / (ref * toSeconds) / 1e9);
            } else {
                a = fmt(ours * toSeconds * 1e3);
                b = fmt(ref * toSeconds * 1e3);
            }
            StringBuilder line = new StringBuilder(name);
            params.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            line.append(' ').append(preset.ours()).append('_').append(metric).append('=').append(a)
                    .append(' ').append(preset.reference()).append('_').append(metric).append('=').append(b)
                    .append(" ratio=").append(fmt(ratio));
            System.out.println(line);
            table.add("| " + String.join(" | ", params.values()) + " | " + a + " | " + b + " | " + fmt(ratio) + " |");
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    private static double secondsPer(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> throw new IllegalStateException("comparison needs an average-time unit, got " + unit);
        };
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, x >= 100 ? "%.1f" : x >= 1 ? "%.2f" : "%.3f", x);
    }
}
