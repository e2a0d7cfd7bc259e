package geodesic.cli;

import geodesic.train.experiment.GroupResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Draws an experiment's aggregated curves with JFreeChart (headless): for each model, one PNG per metric (test
 * loss, test accuracy, training loss) with one line per optimizer group, the per-epoch mean over seeds, and a
 * shaded band of ± one sample standard deviation. A group keeps its colour in every chart. When a group diverges
 * far above the others, the value axis is cut (see {@link #clip}) and a subtitle names the groups above the cut
 * and their peak, so the others stay readable. Files are written
 * through a temporary file and an atomic rename, as {@code <model>-test-loss.png}, {@code
 * <model>-test-accuracy.png} and {@code <model>-train-loss.png}.
 */
final class ExperimentPlots {
    /** Run CSV column, file-name suffix, axis label. */
    private static final List<String[]> METRICS = List.of(
            new String[] {"test_loss", "test-loss", "test loss (NLL)"},
            new String[] {"test_acc", "test-accuracy", "test accuracy"},
            new String[] {"train_loss", "train-loss", "training loss (NLL, train mode)"});
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private ExperimentPlots() {
    }

    /**
     * @param dir   receives the PNGs (created if missing)
     * @param title the experiment's name, put in each chart's title
     * @return the files written, by model then metric; groups with no finished run are left out
     * @throws IOException naming a file that cannot be written
     */
    static List<Path> write(Path dir, String title, List<GroupResult> groups) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Set<String> models = new LinkedHashSet<>();
        List<String> labels = new ArrayList<>();
        for (GroupResult g : groups) {
            models.add(g.model());
            if (!labels.contains(g.group())) {
                labels.add(g.group());
            }
        }
        List<Path> written = new ArrayList<>();
        for (String model : models) {
            List<GroupResult> mine = groups.stream()
                    .filter(g -> g.model().equals(model) && !g.curves().rows().isEmpty()).toList();
            if (mine.isEmpty()) {
                continue;
            }
            for (String[] metric : METRICS) {
                Path png = dir.resolve(model + "-" + metric[1] + ".png");
                int seeds = mine.stream().mapToInt(g -> g.finished().size()).max().orElse(0);
                String chartTitle = title + ": " + model + ", " + metric[2] + " (mean ± std over " + seeds
                        + (seeds == 1 ? " seed)" : " seeds)");
                save(png, chart(chartTitle, metric[0], metric[2], mine, labels));
                written.add(png);
            }
        }
        return written;
    }

    private static JFreeChart chart(String title, String column, String axisLabel, List<GroupResult> groups,
                                    List<String> labels) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        renderer.setAlpha(0.18f);
        List<Double> lows = new ArrayList<>();
        List<Double> highs = new ArrayList<>();
        Map<String, Double> peaks = new LinkedHashMap<>();
        for (GroupResult g : groups) {
            YIntervalSeries s = new YIntervalSeries(g.group());
            double[] x = g.epochs();
            double[] mean = g.mean(column);
            double[] std = g.std(column);
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(mean[i])) {
                    continue;
                }
                double band = Double.isNaN(std[i]) ? 0 : std[i];
                s.add(x[i], mean[i], mean[i] - band, mean[i] + band);
                if (Double.isFinite(mean[i] + band)) {
                    lows.add(mean[i] - band);
                    highs.add(mean[i] + band);
                    peaks.merge(g.group(), mean[i] + band, Math::max);
                }
            }
            int series = data.getSeriesCount();
            data.addSeries(s);
            Color c = PALETTE[labels.indexOf(g.group()) % PALETTE.length];
            renderer.setSeriesPaint(series, c);
            renderer.setSeriesFillPaint(series, c);
            renderer.setSeriesStroke(series, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        NumberAxis valueAxis = new NumberAxis(axisLabel);
        valueAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, epochAxis, valueAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (!highs.isEmpty()) {
            double lo = lows.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double hi = highs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double cap = clip(lo, highs);
            if (cap < hi) {
                valueAxis.setRange(lo - 0.02 * (cap - lo), cap + 0.05 * (cap - lo));
                String above = peaks.entrySet().stream().filter(e -> e.getValue() > cap).map(Map.Entry::getKey)
                        .collect(Collectors.joining(", "));
                chart.addSubtitle(new TextTitle(String.format(Locale.ROOT,
                        "axis cut at %.3g; above it (up to %.3g): %s", cap, hi, above)));
            }
        }
        return chart;
    }

    /**
     * Where to cut the value axis so that one diverging group does not flatten the others: three quartile
     * distances above the upper quartile of all band tops (a Tukey fence, measured from the lowest point),
     * or the highest top when nothing lies beyond that.
     */
    static double clip(double lo, List<Double> highs) {
        double[] sorted = highs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double q3 = sorted[(int) Math.floor(0.75 * (sorted.length - 1))];
        double fence = q3 + 3 * (q3 - lo);
        double max = sorted[sorted.length - 1];
        return fence > lo && fence < max ? fence : max;
    }

    private static void save(Path png, JFreeChart chart) throws IOException {
        Path dir = png.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + png.getFileName(), ".tmp");
            try {
                ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 560);
                try {
                    Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
