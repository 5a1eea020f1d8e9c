package dev.licnn.experiments.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The statistics the experiment reports rest on: Wilson score intervals for proportions, McNemar's
 * test for paired right/wrong outcomes (exact binomial and the continuity-corrected chi-square),
 * the exact sign test for paired measurements, and seeded percentile-bootstrap intervals for means
 * and paired differences of means.
 *
 * <pre>{@code
 * Stats.Interval ci = Stats.wilson(83, 100);           // 0.744 .. 0.893
 * double p = Stats.mcnemarExact(3, 23);                // two-sided, from the discordant counts
 * Stats.Interval d = Stats.bootstrapPairedDifference(a, b, 2000, 1); // mean(a - b) with a 95% interval
 * }</pre>
 */
public final class Stats {

    /** The 97.5% quantile of the standard normal: the z of a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** Bootstrap resamples used by the reports. */
    public static final int BOOTSTRAP_RESAMPLES = 2000;

    /**
     * A point estimate with a 95% interval.
     *
     * @param estimate the estimate (a proportion, a mean, a difference of means)
     * @param low lower end
     * @param high upper end
     */
    public record Interval(double estimate, double low, double high) {}

    /**
     * A paired comparison of two right/wrong outcomes on the same items.
     *
     * @param n items
     * @param onlyFirst items right under the first condition only (McNemar's b)
     * @param onlySecond items right under the second condition only (McNemar's c)
     * @param exactP two-sided exact binomial p-value
     * @param chiSquare continuity-corrected statistic {@code (|b - c| - 1)^2 / (b + c)}
     * @param chiSquareP its p-value (one degree of freedom)
     */
    public record McNemar(
            int n,
            int onlyFirst,
            int onlySecond,
            double exactP,
            double chiSquare,
            double chiSquareP) {}

    private Stats() {}

    /**
     * Wilson score 95% interval of {@code k} successes in {@code n} trials ({@code n = 0}: NaN).
     */
    public static Interval wilson(int k, int n) {
        if (k < 0 || n < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, got k = " + k + ", n = " + n);
        }
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN);
        }
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = Z95 / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * McNemar's test from paired outcomes: {@code first[i]} and {@code second[i]} say whether item
     * {@code i} was right under each condition.
     */
    public static McNemar mcnemar(boolean[] first, boolean[] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException(
                    "paired outcomes differ in length: " + first.length + " vs " + second.length);
        }
        int b = 0;
        int c = 0;
        for (int i = 0; i < first.length; i++) {
            if (first[i] && !second[i]) {
                b++;
            } else if (!first[i] && second[i]) {
                c++;
            }
        }
        return mcnemar(first.length, b, c);
    }

    /** McNemar's test from the discordant counts. */
    public static McNemar mcnemar(int n, int b, int c) {
        int d = b + c;
        double chi = d == 0 ? 0 : Math.pow(Math.max(0, Math.abs(b - c) - 1), 2) / d;
        return new McNemar(n, b, c, mcnemarExact(b, c), chi, chiSquare1P(chi));
    }

    /**
     * Two-sided exact McNemar p-value: twice the smaller binomial(b + c, 1/2) tail, at most 1. Also
     * the exact sign test, with {@code b} and {@code c} the positive and negative differences.
     */
    public static double mcnemarExact(int b, int c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("counts must be non-negative");
        }
        int n = b + c;
        if (n == 0) {
            return 1;
        }
        int m = Math.min(b, c);
        double tail = 0;
        for (int i = 0; i <= m; i++) {
            tail += Math.exp(logChoose(n, i) - n * Math.log(2));
        }
        return Math.min(1, 2 * tail);
    }

    /**
     * Exact two-sided sign test of paired measurements {@code a[i]} vs {@code b[i]}: ties (and
     * pairs with a NaN) are dropped. Returns {@code {positive, negative, p}}.
     */
    public static double[] signTest(double[] a, double[] b) {
        requirePaired(a, b);
        int pos = 0;
        int neg = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            if (d > 0) {
                pos++;
            } else if (d < 0) {
                neg++;
            }
        }
        return new double[] {pos, neg, mcnemarExact(pos, neg)};
    }

    /** The p-value of a chi-square statistic with one degree of freedom. */
    public static double chiSquare1P(double x) {
        return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
    }

    /** The complementary error function (Chebyshev fit, fractional error below 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r =
                t
                        * Math.exp(
                                -z * z
                                        - 1.26551223
                                        + t
                                                * (1.00002368
                                                        + t
                                                                * (0.37409196
                                                                        + t
                                                                                * (0.09678418
                                                                                        + t
                                                                                                * (-0.18628806
                                                                                                        + t
                                                                                                                * (0.27886807
                                                                                                                        + t
                                                                                                                                * (-1.13520398
                                                                                                                                        + t
                                                                                                                                                * (1.48851587
                                                                                                                                                        + t
                                                                                                                                                                * (-0.82215223
                                                                                                                                                                        + t
                                                                                                                                                                                * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static double logChoose(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }

    /** Arithmetic mean of the finite values (NaN if none). */
    public static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Sample standard deviation (n - 1) of the finite values (NaN if fewer than two). */
    public static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                s += (x - m) * (x - m);
                n++;
            }
        }
        return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
    }

    /** Median of the finite values (NaN if none). */
    public static double median(double[] v) {
        double[] f = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) {
            return Double.NaN;
        }
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    /**
     * Percentile-bootstrap 95% interval of the mean of {@code v} ({@code resamples} resamples with
     * replacement, drawn from {@code seed}: the same seed gives the same interval). Values must be
     * finite.
     */
    public static Interval bootstrapMean(double[] v, int resamples, long seed) {
        return bootstrapPairedDifference(v, new double[v.length], resamples, seed);
    }

    /**
     * Percentile-bootstrap 95% interval of {@code mean(a - b)} over paired items: items are
     * resampled together, so the interval accounts for the pairing.
     */
    public static Interval bootstrapPairedDifference(
            double[] a, double[] b, int resamples, long seed) {
        requirePaired(a, b);
        int n = a.length;
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1");
        }
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
            if (!Double.isFinite(d[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite");
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += d[rnd.nextInt(n)];
            }
            means[r] = s / n;
        }
        Arrays.sort(means);
        return new Interval(mean(d), quantile(means, 0.025), quantile(means, 0.975));
    }

    /** Linear-interpolated quantile of sorted values (type 7, as numpy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void requirePaired(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "paired values differ in length: " + a.length + " vs " + b.length);
        }
    }
}
