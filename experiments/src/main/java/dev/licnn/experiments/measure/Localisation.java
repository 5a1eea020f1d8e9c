package dev.licnn.experiments.measure;

import java.util.Arrays;

/**
 * How well a saliency map ({@code h x w}, row-major) locates an object given its binary mask.
 *
 * <ul>
 *   <li>pointing game: a hit when the map's maximum (first in row-major order) lies within {@code
 *       tolerance} pixels (Euclidean) of a mask pixel;
 *   <li>energy: the share of the map's positive mass inside the mask;
 *   <li>IoU: of the mask with the map thresholded as the paper does, {@code map > (max - min) / 5}
 *       (the reference code compares the map itself with that value, not with {@code min + t});
 *   <li>AUC-ROC: of the map's values as scores for mask membership (ties count one half).
 * </ul>
 */
public final class Localisation {

    private Localisation() {}

    /** The paper's object threshold: {@code (max - min) / 5}. */
    public static float threshold(float[] map) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return (max - min) / 5f;
    }

    /** Object pixels under the paper's rule. */
    public static boolean[] objectPixels(float[] map) {
        float t = threshold(map);
        boolean[] o = new boolean[map.length];
        for (int i = 0; i < map.length; i++) {
            o[i] = map[i] > t;
        }
        return o;
    }

    public static boolean pointingHit(float[] map, boolean[] mask, int h, int w, double tolerance) {
        int arg = 0;
        for (int i = 1; i < map.length; i++) {
            if (map[i] > map[arg]) {
                arg = i;
            }
        }
        int ay = arg / w;
        int ax = arg % w;
        int r = (int) Math.ceil(tolerance);
        double t2 = tolerance * tolerance;
        for (int y = Math.max(0, ay - r); y <= Math.min(h - 1, ay + r); y++) {
            for (int x = Math.max(0, ax - r); x <= Math.min(w - 1, ax + r); x++) {
                double d2 = (double) (y - ay) * (y - ay) + (double) (x - ax) * (x - ax);
                if (d2 <= t2 && mask[y * w + x]) {
                    return true;
                }
            }
        }
        return false;
    }

    public static double energyInside(float[] map, boolean[] mask) {
        double in = 0;
        double all = 0;
        for (int i = 0; i < map.length; i++) {
            double v = Math.max(0, map[i]);
            all += v;
            if (mask[i]) {
                in += v;
            }
        }
        return all == 0 ? 0 : in / all;
    }

    public static double iou(float[] map, boolean[] mask) {
        boolean[] obj = objectPixels(map);
        long inter = 0;
        long union = 0;
        for (int i = 0; i < map.length; i++) {
            if (obj[i] && mask[i]) {
                inter++;
            }
            if (obj[i] || mask[i]) {
                union++;
            }
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    /** AUC-ROC by the rank-sum (Mann-Whitney) formula with average ranks for ties. */
    public static double aucRoc(float[] map, boolean[] mask) {
        int n = map.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(map[a], map[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && map[idx[j + 1]] == map[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (mask[idx[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** The four measures of one map. */
    public record Scores(boolean pointingHit, double energy, double iou, double auc) {}

    public static Scores score(float[] map, boolean[] mask, int h, int w) {
        return new Scores(
                pointingHit(map, mask, h, w, 15),
                energyInside(map, mask),
                iou(map, mask),
                aucRoc(map, mask));
    }

    /**
     * A centred isotropic Gaussian (sigma = a quarter of the shorter side): the floor every method
     * must beat.
     */
    public static float[] centreGaussian(int h, int w) {
        float[] m = new float[h * w];
        double sigma = Math.min(h, w) / 4.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dy = y - (h - 1) / 2.0;
                double dx = x - (w - 1) / 2.0;
                m[y * w + x] = (float) Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
        }
        return m;
    }
}
