package geodesic.train.experiment;

import geodesic.train.EpochMetrics;
import geodesic.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Writes a run's per-epoch metrics: the columns of {@link geodesic.train.CsvMetricsWriter} ({@code epoch,
 * train_loss, val_loss, val_acc, test_loss, test_acc, lr, epoch_seconds, total_seconds, images_per_s}) followed by
 * the optimizer's diagnostics in name order. The whole file is rewritten atomically after every epoch, so it
 * always holds complete rows.
 */
final class RunCsvWriter implements TrainingListener {
    static final List<String> COLUMNS = List.of("epoch", "train_loss", "val_loss", "val_acc", "test_loss", "test_acc",
            "lr", "epoch_seconds", "total_seconds", "images_per_s");

    private final Path file;
    private final Map<String, DoubleSupplier> diagnostics;
    private final List<String> columns;
    private final List<double[]> rows = new ArrayList<>();

    /**
     * @param file        the CSV, replaced on the first epoch
     * @param diagnostics sampled after each epoch, in iteration order
     */
    RunCsvWriter(Path file, Map<String, DoubleSupplier> diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
        List<String> c = new ArrayList<>(COLUMNS);
        c.addAll(diagnostics.keySet());
        this.columns = List.copyOf(c);
    }

    /** @throws UncheckedIOException naming the file if it cannot be written */
    @Override
    public void onEpoch(EpochMetrics m) {
        double[] row = new double[columns.size()];
        double[] standard = {m.epoch(), m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.testLoss(),
                m.testAccuracy(), m.learningRate(), m.seconds(), m.totalSeconds(), m.imagesPerSecond()};
        System.arraycopy(standard, 0, row, 0, standard.length);
        int c = standard.length;
        for (DoubleSupplier d : diagnostics.values()) {
            row[c++] = d.getAsDouble();
        }
        rows.add(row);
        try {
            AtomicFiles.write(file, new CsvTable(columns, rows).format());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
