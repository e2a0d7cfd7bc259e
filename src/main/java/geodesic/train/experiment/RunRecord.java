package geodesic.train.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The completion marker of a run ({@code runs/<id>.done}), written after the run's CSV holds its last epoch. A run
 * with a marker whose fingerprint matches is not run again; a run without one (interrupted, or never started) is
 * run from the start. The file is {@code key=value} lines.
 *
 * @param fingerprint the {@link RunSpec#fingerprint()} the run was made with
 * @param diverged    whether training stopped on a non-finite loss or gradient (not rerun: it would diverge again)
 * @param epochs      epochs in the CSV
 * @param wallSeconds wall time of the run, model construction to last evaluation
 * @param switchEpoch the epoch after which the optimizer switched to SGD, if it did
 * @param optimizer   the optimizer's own description
 * @param failure     why it diverged, or empty
 */
public record RunRecord(String fingerprint, boolean diverged, int epochs, double wallSeconds, OptionalInt switchEpoch,
                        String optimizer, String failure) {

    /**
     * Writes the marker atomically.
     *
     * @throws IOException naming the file if it cannot be written
     */
    void write(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fingerprint", fingerprint);
        m.put("status", diverged ? "diverged" : "finished");
        m.put("epochs", Integer.toString(epochs));
        m.put("wall_seconds", String.format(Locale.ROOT, "%.3f", wallSeconds));
        m.put("switch_epoch", switchEpoch.isPresent() ? Integer.toString(switchEpoch.getAsInt()) : "");
        m.put("optimizer", optimizer);
        m.put("failure", failure);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v.replace('\n', ' ').replace('\r', ' ')).append('\n'));
        AtomicFiles.write(file, sb.toString());
    }

    /**
     * Reads a marker; empty when there is none or it is not one this class wrote (the run is then redone).
     *
     * @throws IOException if the file exists but cannot be read
     */
    static Optional<RunRecord> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        String status = m.get("status");
        String epochs = m.get("epochs");
        String wall = m.get("wall_seconds");
        if (!("finished".equals(status) || "diverged".equals(status)) || epochs == null || wall == null) {
            return Optional.empty();
        }
        String sw = m.getOrDefault("switch_epoch", "");
        try {
            return Optional.of(new RunRecord(m.getOrDefault("fingerprint", ""), status.equals("diverged"),
                    Integer.parseInt(epochs), Double.parseDouble(wall),
                    sw.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(sw)),
                    m.getOrDefault("optimizer", ""), m.getOrDefault("failure", "")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
