package geodesic.cli;

import geodesic.kernel.Parallelism;
import geodesic.train.experiment.Aggregation;
import geodesic.train.experiment.ExperimentConfig;
import geodesic.train.experiment.ExperimentLayout;
import geodesic.train.experiment.ExperimentReport;
import geodesic.train.experiment.ExperimentRunner;
import geodesic.train.experiment.GridProgress;
import geodesic.train.experiment.GroupResult;
import geodesic.train.experiment.OptimizerCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code geodesic experiment CONFIG.json [--smoke] [--out DIR] [--threads N] [--data auto|embedded|DIR]}: runs
 * the grid a configuration describes (see {@link ExperimentConfig}), skipping runs that finished earlier, then
 * aggregates the runs into CSVs, a Markdown table and PNG plots in the output directory. Progress and results are
 * {@code key=value} lines on {@code out}: {@code run i/N ...} while training, then one {@code result ...} line per
 * group. {@code --smoke} runs the same grid on a few hundred embedded images for two epochs with one seed.
 */
final class ExperimentCommand {
    static final String USAGE = "usage: geodesic experiment CONFIG.json [--smoke] [--out DIR] [--threads N]"
            + " [--data auto|embedded|DIR]";

    private ExperimentCommand() {
    }

    static int run(List<String> args, PrintStream out) throws IOException {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            if (!args.isEmpty() && (args.get(0).equals("--help"))) {
                out.println(USAGE);
                return 0;
            }
            throw new UsageException("experiment: needs a configuration file first; " + USAGE);
        }
        Options o = Options.parse("experiment", args.subList(1, args.size()), Set.of("out", "threads", "data"),
                Set.of("smoke"));
        Integer threads = o.has("threads") ? o.integer("threads", 1, 1, 4096) : null;
        ExperimentConfig config = ExperimentConfig.read(Path.of(args.get(0)));
        if (o.flag("smoke")) {
            config = config.smoke();
        }
        if (o.has("out")) {
            config = config.withOutput(Path.of(o.string("out", null)));
        }
        if (threads != null) {
            config = config.withThreads(threads);
        }
        if (o.has("data")) {
            config = config.withDataSource(o.string("data", null));
        }
        OutputPaths.requireWritableDirectory(o.has("out") ? "experiment: --out" : "experiment: output directory",
                config.output());
        OptimizerCatalog catalog = OptimizerCatalog.standard();
        out.printf(Locale.ROOT, "experiment name=%s runs=%d output=%s threads=%d%n", config.name(),
                config.runs().size(), config.output(), config.threads());
        out.println("protocol " + config.protocol().describe());

        ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "geodesic-prefetch");
            t.setDaemon(true);
            return t;
        });
        try (Parallelism team = Parallelism.of(config.threads())) {
            new ExperimentRunner(config, catalog, team, prefetch, List.of(new GridProgress(out))).run();
        } finally {
            prefetch.shutdownNow();
        }

        List<GroupResult> groups = Aggregation.collect(config);
        ExperimentLayout layout = new ExperimentLayout(config.output());
        List<Path> plots = ExperimentPlots.write(layout.plots(), config.name(), groups);
        ExperimentReport.write(config, groups, plots);
        for (GroupResult g : groups) {
            out.printf(Locale.ROOT, "result model=%s group=%s runs=%d/%d best_test_loss=%s final_test_loss=%s"
                            + " final_test_acc=%s switch_epoch=%s wall_min=%s%n", g.model(), g.groupId(),
                    g.finished().size(), g.planned(), value(g.bestTestLoss().format(4)),
                    value(g.finalTestLoss().format(4)), value(g.finalTestAccuracy().format(4)),
                    value(ExperimentReport.switchEpoch(g)), value(g.wallMinutes().format(2)));
        }
        out.println("summary=" + layout.summaryMarkdown());
        out.println("plots=" + layout.plots());
        return 0;
    }

    /** A table value as one greppable token: {@code 0.41±0.01}, or {@code -} when absent. */
    private static String value(String formatted) {
        return formatted.isEmpty() ? "-" : formatted.replace(" ± ", "±");
    }
}
