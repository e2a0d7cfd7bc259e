package geodesic.cli;

import geodesic.train.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a training run's per-epoch losses (left axis, NLL) and accuracies (right axis) into a PNG, written through
 * a temporary file and an atomic rename. Uses JFreeChart headless; series with no measured value are left out.
 */
final class MetricsPlot {
    private MetricsPlot() {
    }

    /**
     * @throws IOException naming the file if it cannot be written
     */
    static void write(Path png, String title, List<EpochMetrics> epochs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries train = new XYSeries("train loss");
        XYSeries val = new XYSeries("validation loss");
        XYSeries test = new XYSeries("test loss");
        XYSeries valAcc = new XYSeries("validation accuracy");
        XYSeries testAcc = new XYSeries("test accuracy");
        for (EpochMetrics m : epochs) {
            add(train, m.epoch(), m.trainLoss());
            add(val, m.epoch(), m.validationLoss());
            add(test, m.epoch(), m.testLoss());
            add(valAcc, m.epoch(), m.validationAccuracy());
            add(testAcc, m.epoch(), m.testAccuracy());
        }
        XYSeriesCollection losses = collect(train, val, test);
        XYSeriesCollection accuracies = collect(valAcc, testAcc);
        Map<String, Color> colors = Map.of("train loss", new Color(0x1f77b4), "validation loss", new Color(0xff7f0e),
                "test loss", new Color(0xd62728), "validation accuracy", new Color(0x9467bd),
                "test accuracy", new Color(0x2ca02c));

        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis lossAxis = new NumberAxis("loss (NLL)");
        lossAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(losses, epochAxis, lossAxis, renderer(losses, colors));
        NumberAxis accAxis = new NumberAxis("accuracy");
        accAxis.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(1, accAxis);
        plot.setDataset(1, accuracies);
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer accRenderer = renderer(accuracies, colors);
        for (int i = 0; i < accuracies.getSeriesCount(); i++) {
            accRenderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {6f, 4f}, 0f));
        }
        plot.setRenderer(1, accRenderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);

        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + png.getFileName(), ".tmp");
        try {
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 560);
            try {
                Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write plot " + png + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void add(XYSeries s, int epoch, double v) {
        if (!Double.isNaN(v)) {
            s.add(epoch, v);
        }
    }

    private static XYSeriesCollection collect(XYSeries... series) {
        XYSeriesCollection c = new XYSeriesCollection();
        for (XYSeries s : series) {
            if (s.getItemCount() > 0) {
                c.addSeries(s);
            }
        }
        return c;
    }

    /** Each series keeps its colour whichever others were left out. */
    private static XYLineAndShapeRenderer renderer(XYSeriesCollection data, Map<String, Color> colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, colors.get((String) data.getSeriesKey(i)));
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }
}
