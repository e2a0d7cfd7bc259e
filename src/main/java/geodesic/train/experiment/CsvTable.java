package geodesic.train.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A numeric CSV as the experiment files use it: one header line of column names, then rows of numbers separated by
 * commas (no quoting), an empty field meaning "not measured" ({@code NaN}).
 *
 * @param columns the column names, in file order
 * @param rows    the values, {@code rows.get(r)[c]}
 */
public record CsvTable(List<String> columns, List<double[]> rows) {

    public CsvTable {
        columns = List.copyOf(columns);
        rows = rows.stream().map(double[]::clone).toList();
        for (double[] r : rows) {
            if (r.length != columns.size()) {
                throw new IllegalArgumentException("a row has " + r.length + " values for " + columns.size()
                        + " columns");
            }
        }
    }

    /**
     * Reads a file written in this format.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException naming the file and line of a malformed row
     */
    public static CsvTable read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty, expected a header line");
        }
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        List<double[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            String[] fields = lines.get(i).split(",", -1);
            if (fields.length != header.size()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + fields.length + " fields, header has "
                        + header.size());
            }
            double[] row = new double[fields.length];
            for (int c = 0; c < fields.length; c++) {
                try {
                    row[c] = fields[c].isEmpty() ? Double.NaN : Double.parseDouble(fields[c]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": column " + header.get(c)
                            + " holds \"" + fields[c] + "\", not a number", e);
                }
            }
            rows.add(row);
        }
        return new CsvTable(header, rows);
    }

    /** The file's text: the header, then each row, every line ending in a newline. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (double[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                if (c > 0) {
                    sb.append(',');
                }
                sb.append(number(r[c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The values of one column, top to bottom.
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public double[] column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column " + name + " (columns: " + String.join(", ", columns) + ")");
        }
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }

    /** A value as the files write it: whole numbers as integers, others to six significant digits, NaN empty. */
    static String number(double x) {
        if (Double.isNaN(x)) {
            return "";
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.6g", x);
    }
}
