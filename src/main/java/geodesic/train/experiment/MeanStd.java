package geodesic.train.experiment;

import java.util.Arrays;
import java.util.Locale;

/**
 * The mean and sample standard deviation (divisor {@code n - 1}) of some values, {@code NaN} values left out.
 *
 * @param mean the mean, {@code NaN} when {@code n == 0}
 * @param std  the sample standard deviation, {@code NaN} when {@code n < 2}
 * @param n    how many values were not {@code NaN}
 */
public record MeanStd(double mean, double std, int n) {

    /** Over {@code values}, ignoring {@code NaN}; two passes, in float64. */
    public static MeanStd of(double... values) {
        double[] xs = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
        if (xs.length == 0) {
            return new MeanStd(Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        double mean = sum / xs.length;
        if (xs.length == 1) {
            return new MeanStd(mean, Double.NaN, 1);
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        return new MeanStd(mean, Math.sqrt(ss / (xs.length - 1)), xs.length);
    }

    /**
     * {@code "0.412 ± 0.006"} with {@code decimals} places, just the mean when there is one value, empty when there
     * is none.
     */
    public String format(int decimals) {
        if (n == 0) {
            return "";
        }
        String f = "%." + decimals + "f";
        return n == 1 ? String.format(Locale.ROOT, f, mean) : String.format(Locale.ROOT, f + " ± " + f, mean, std);
    }
}
