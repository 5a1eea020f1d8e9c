package dev.licnn.experiments.stats;

import java.util.Locale;

/** How the reports print an interval, a share and a p-value. */
public final class Formats {

    private Formats() {}

    /** A share with its interval, in percent: {@code 95.0% [92.7, 96.6]}. */
    public static String percent(Stats.Interval i) {
        return Double.isNaN(i.estimate())
                ? "-"
                : String.format(
                        Locale.ROOT,
                        "%.1f%% [%.1f, %.1f]",
                        100 * i.estimate(),
                        100 * i.low(),
                        100 * i.high());
    }

    /** A value with its interval: {@code 0.153 [0.148, 0.158]}. */
    public static String value(Stats.Interval i) {
        return Double.isNaN(i.estimate())
                ? "-"
                : String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.estimate(), i.low(), i.high());
    }

    /** A p-value, at least three significant places: {@code 0.25}, {@code 3.1e-05}. */
    public static String p(double p) {
        return Double.isNaN(p)
                ? "-"
                : p >= 0.001
                        ? String.format(Locale.ROOT, "%.3g", p)
                        : String.format(Locale.ROOT, "%.1e", p);
    }
}
