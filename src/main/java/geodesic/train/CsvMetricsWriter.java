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
import java.util.function.Supplier;

/**
 * Writes one CSV row per epoch ({@code epoch,train_loss,val_loss,val_acc,test_loss,test_acc,lr,epoch_seconds,
 * total_seconds,images_per_s}). After every epoch the whole file is rewritten to a temporary file in the same
 * directory and renamed over the target, so a crash at any moment leaves either the previous complete file or the
 * new one, never a torn row. Unmeasured values are written as empty fields. Extra {@link Column}s (an optimizer's
 * phase, a diagnostic) are appended after the standard ones, read when each epoch ends.
 */
public final class CsvMetricsWriter implements TrainingListener {
    static final String HEADER =
            "epoch,train_loss,val_loss,val_acc,test_loss,test_acc,lr,epoch_seconds,total_seconds,images_per_s";
    private final Path file;
    private final List<Column> extra;
    private final List<String> rows = new ArrayList<>();

    /**
     * An extra column: its header, and the value for the epoch that just ended (read on the training thread after
     * the optimizer heard of the epoch's end). Values must not contain commas or line breaks.
     */
    public record Column(String header, Supplier<String> value) {
    }

    /** @param file the CSV to (over)write; its directory is created if missing */
    public CsvMetricsWriter(Path file) {
        this(file, List.of());
    }

    /**
     * @param file  the CSV to (over)write; its directory is created if missing
     * @param extra columns appended to the standard ones
     */
    public CsvMetricsWriter(Path file, List<Column> extra) {
        this.file = file.toAbsolutePath();
        this.extra = List.copyOf(extra);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        StringBuilder row = new StringBuilder(String.join(",", Integer.toString(m.epoch()), num(m.trainLoss()),
                num(m.validationLoss()), num(m.validationAccuracy()), num(m.testLoss()), num(m.testAccuracy()),
                num(m.learningRate()), num(m.seconds()), num(m.totalSeconds()), num(m.imagesPerSecond())));
        StringBuilder header = new StringBuilder(HEADER);
        for (Column c : extra) {
            String v = c.value().get();
            if (v.indexOf(',') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("CSV column " + c.header() + " value contains a comma or line break: " + v);
            }
            row.append(',').append(v);
            header.append(',').append(c.header());
        }
        rows.add(row.toString());
        StringBuilder sb = new StringBuilder(header).append('\n');
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
