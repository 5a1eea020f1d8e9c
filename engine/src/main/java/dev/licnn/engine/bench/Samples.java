package dev.licnn.engine.bench;

import java.util.Arrays;

/**
 * A set of measurements with its median and a distribution-free interval for the median (from order
 * statistics: the ranks n/2 -+ 1.96 sqrt(n)/2, about 95% coverage for any distribution).
 *
 * <pre>{@code
 * Samples s = Samples.of(times);
 * System.out.println(s.median() + " " + s.interval());
 * }</pre>
 */
public final class Samples {

    private final double[] sorted;

    private Samples(double[] sorted) {
        this.sorted = sorted;
    }

    /** The samples of {@code values} (copied). */
    public static Samples of(double... values) {
        double[] c = values.clone();
        Arrays.sort(c);
        return new Samples(c);
    }

    public int size() {
        return sorted.length;
    }

    /** The median (the mean of the two middle values for an even count); NaN when empty. */
    public double median() {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /**
     * About 95% interval for the median: {lower, upper}; the whole range when there are few
     * samples.
     */
    public double[] medianInterval() {
        int n = sorted.length;
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double half = 1.96 * Math.sqrt(n) / 2;
        int lo = (int) Math.floor(n / 2.0 - half);
        int hi = (int) Math.ceil(n / 2.0 + half);
        return new double[] {sorted[Math.max(0, lo)], sorted[Math.min(n - 1, hi)]};
    }

    /** {@code "median [lo, hi]"} with the given format for each number. */
    public String format(String numberFormat) {
        double[] i = medianInterval();
        return String.format(
                numberFormat + " [" + numberFormat + ", " + numberFormat + "]",
                median(),
                i[0],
                i[1]);
    }
}
