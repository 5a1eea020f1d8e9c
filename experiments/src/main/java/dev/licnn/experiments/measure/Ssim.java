package dev.licnn.experiments.measure;

/**
 * Mean structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) of two grey images.
 *
 * <p>Conventions: an 11 x 11 Gaussian window with sigma 1.5, normalised to sum 1; local means,
 * variances and covariance with those weights (population, not sample, statistics); {@code C1 =
 * (0.01 L)^2}, {@code C2 = (0.03 L)^2} with {@code L} the data range given by the caller; the SSIM
 * map only where the whole window fits in the image ("valid", as Wang's MATLAB code and {@code
 * skimage.metrics.structural_similarity(gaussian_weights=True, use_sample_covariance=False)}, which
 * crops the same border), then averaged.
 */
public final class Ssim {

    /** Window side. */
    public static final int WINDOW = 11;

    /** Window standard deviation. */
    public static final double SIGMA = 1.5;

    public static final double K1 = 0.01;
    public static final double K2 = 0.03;

    private static final double[] G = window();

    private Ssim() {}

    /** The 1-D Gaussian; the 2-D window is its outer product with itself. */
    private static double[] window() {
        double[] g = new double[WINDOW];
        double sum = 0;
        int c = WINDOW / 2;
        for (int i = 0; i < WINDOW; i++) {
            g[i] = Math.exp(-(i - c) * (i - c) / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /** The window weight at {@code (dy, dx)} from its top-left corner. */
    public static double weight(int dy, int dx) {
        return G[dy] * G[dx];
    }

    /**
     * Mean SSIM of row-major {@code h x w} images (each side at least 11) with data range {@code
     * range} (NaN if the range is not positive).
     */
    public static double ssim(float[] a, float[] b, int h, int w, double range) {
        if (a.length != h * w || b.length != h * w) {
            throw new IllegalArgumentException("images must hold " + h * w + " values");
        }
        if (h < WINDOW || w < WINDOW) {
            throw new IllegalArgumentException(
                    "images must be at least " + WINDOW + " x " + WINDOW);
        }
        if (!(range > 0)) {
            return Double.NaN;
        }
        double[] x = new double[h * w];
        double[] y = new double[h * w];
        double[] xx = new double[h * w];
        double[] yy = new double[h * w];
        double[] xy = new double[h * w];
        for (int i = 0; i < h * w; i++) {
            x[i] = a[i];
            y[i] = b[i];
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mx = filter(x, h, w);
        double[] my = filter(y, h, w);
        double[] sxx = filter(xx, h, w);
        double[] syy = filter(yy, h, w);
        double[] sxy = filter(xy, h, w);
        double c1 = (K1 * range) * (K1 * range);
        double c2 = (K2 * range) * (K2 * range);
        double total = 0;
        for (int i = 0; i < mx.length; i++) {
            double ma = mx[i];
            double mb = my[i];
            double va = sxx[i] - ma * ma;
            double vb = syy[i] - mb * mb;
            double cov = sxy[i] - ma * mb;
            total +=
                    ((2 * ma * mb + c1) * (2 * cov + c2))
                            / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }
        return total / mx.length;
    }

    /** Valid-mode Gaussian filtering: {@code (h - 10) x (w - 10)} outputs. */
    private static double[] filter(double[] v, int h, int w) {
        int ow = w - WINDOW + 1;
        int oh = h - WINDOW + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += G[k] * v[y * w + x + k];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += G[k] * rows[(y + k) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    /** {@code max - min} of a map, the data range the sanity checks use. */
    public static double range(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        return (double) max - min;
    }
}
