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

    /** The first of {@code references} gives the {@code ratio} key; any others {@code ratio_<name>}. */
    private record Preset(String benchmark, String param, String ours, List<String> references,
                          ToDoubleFunction<Map<String, String>> flops) {
        Preset(String benchmark, String param, String ours, String reference,
               ToDoubleFunction<Map<String, String>> flops) {
            this(benchmark, param, ours, List.of(reference), flops);
        }
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
            "conv", new Preset(ConvBenchmark.class.getSimpleName(), "impl", "vector",
                    List.of("openblas", "im2col_sgemm"), p -> Double.NaN));

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
        Map<String, String> firstParams = keys.values().stream().findFirst().orElse(Map.of());
        StringBuilder header = new StringBuilder("| " + String.join(" | ", firstParams.keySet()) + " | "
                + preset.ours() + " " + metric);
        for (String ref : preset.references()) {
            header.append(" | ").append(ref).append(' ').append(metric);
        }
        for (String ref : preset.references()) {
            header.append(" | ").append(ratioKey(preset, ref));
        }
        table.add(header + " |");
        table.add("|" + "---|".repeat(firstParams.size() + 1 + 2 * preset.references().size()));
        for (Map.Entry<String, Map<String, Double>> e : rows.entrySet()) {
            Map<String, String> params = keys.get(e.getKey());
            Double ours = e.getValue().get(preset.ours());
            List<String> present = preset.references().stream().filter(e.getValue()::containsKey).toList();
            if (ours == null || present.isEmpty()) {
                continue;
            }
            double f = haveFlops ? preset.flops().applyAsDouble(params) : Double.NaN;
            StringBuilder line = new StringBuilder(name);
            params.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            line.append(' ').append(preset.ours()).append('_').append(metric).append('=')
                    .append(figure(ours, f, toSeconds, haveFlops));
            StringBuilder row = new StringBuilder("| " + String.join(" | ", params.values()) + " | "
                    + figure(ours, f, toSeconds, haveFlops));
            StringBuilder ratios = new StringBuilder();
            for (String ref : preset.references()) {
                Double time = e.getValue().get(ref);
                String value = time == null ? "-" : figure(time, f, toSeconds, haveFlops);
                String ratio = time == null ? "-" : fmt(time / ours);
                if (time != null) {
                    line.append(' ').append(ref).append('_').append(metric).append('=').append(value);
                    ratios.append(' ').append(ratioKey(preset, ref)).append('=').append(ratio);
                }
                row.append(" | ").append(value);
            }
            for (String ref : preset.references()) {
                Double time = e.getValue().get(ref);
                row.append(" | ").append(time == null ? "-" : fmt(time / ours));
            }
            System.out.println(line.append(ratios));
            table.add(row + " |");
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    private static String ratioKey(Preset preset, String reference) {
        return reference.equals(preset.references().get(0)) ? "ratio" : "ratio_" + reference;
    }

    /** GFLOP/s from an average time, or the time in milliseconds where no FLOP count applies. */
    private static String figure(double time, double flops, double toSeconds, boolean haveFlops) {
        return fmt(haveFlops ? flops / (time * toSeconds) / 1e9 : time * toSeconds * 1e3);
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
