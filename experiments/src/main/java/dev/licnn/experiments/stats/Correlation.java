package dev.licnn.experiments.stats;

import java.util.Arrays;

/**
 * Pearson and Spearman correlation of two equally long samples.
 *
 * <p>Spearman's coefficient is Pearson's coefficient of the ranks, tied values sharing the average
 * of the ranks they span (as {@code scipy.stats.spearmanr}). A sample with no spread gives NaN.
 */
public final class Correlation {

    private Correlation() {}

    /** Pearson's correlation coefficient; NaN when either sample is constant. */
    public static double pearson(double[] x, double[] y) {
        check(x.length, y.length);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman's rank correlation with average ranks for ties. */
    public static double spearman(float[] x, float[] y) {
        check(x.length, y.length);
        return pearson(ranks(x), ranks(y));
    }

    /** Spearman's rank correlation of the absolute values. */
    public static double spearmanAbs(float[] x, float[] y) {
        return spearman(abs(x), abs(y));
    }

    /** 1-based ranks, ties given the mean of the ranks they occupy. */
    public static double[] ranks(float[] v) {
        int n = v.length;
        // Sort (value, index) pairs packed in longs: the float's bits made order-preserving as an
        // int, then the index.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) sortable(v[i]) << 32) | i;
        }
        Arrays.sort(keys);
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && (keys[j + 1] >> 32) == (keys[i] >> 32)) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[(int) (keys[k] & 0xffffffffL)] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * An int whose signed order is the float's order ({@code -0.0} and {@code 0.0} are one value).
     */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits < 0 ? bits ^ 0x7fffffff : bits;
    }

    static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    private static void check(int a, int b) {
        if (a != b || a == 0) {
            throw new IllegalArgumentException(
                    "samples must be non-empty and of equal length, got " + a + " and " + b);
        }
    }
}
