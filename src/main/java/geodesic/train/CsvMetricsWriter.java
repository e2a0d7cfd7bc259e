package geodesic.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one CSV row per epoch ({@code epoch,train_loss,val_loss,val_acc,test_loss,test_acc,lr,epoch_seconds,
 * total_seconds,images_per_s}). After every epoch the whole file is rewritten to a temporary file in the same
 * directory and renamed over the target, so a crash at any moment leaves either the previous complete file or the
 * new one, never a torn row. Unmeasured values are written as empty fields.
 */
public final class CsvMetricsWriter implements TrainingListener {
    static final String HEADER =
            "epoch,train_loss,val_loss,val_acc,test_loss,test_acc,lr,epoch_seconds,total_seconds,images_per_s";
    private final Path file;
    private final List<String> rows = new ArrayList<>();

    /** @param file the CSV to (over)write; its directory is created if missing */
    public CsvMetricsWriter(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        rows.add(String.join(",", Integer.toString(m.epoch()), num(m.trainLoss()), num(m.validationLoss()),
                num(m.validationAccuracy()), num(m.testLoss()), num(m.testAccuracy()), num(m.learningRate()),
                num(m.seconds()), num(m.totalSeconds()), num(m.imagesPerSecond())));
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        rows.forEach(r -> sb.append(r).append('\n'));
        writeAtomically(file, sb.toString());
    }

    /**
     * Writes {@code content} to {@code target} through a temporary sibling and an atomic rename.
     *
     * @throws UncheckedIOException naming the file if writing fails
     */
    static void writeAtomically(Path target, String content) {
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, content);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.6g", x);
    }
}
