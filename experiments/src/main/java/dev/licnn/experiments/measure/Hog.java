package dev.licnn.experiments.measure;

/**
 * Histogram of oriented gradients of a grey image, as {@code skimage.feature.hog} computes it with
 * {@code orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm='L2-Hys',
 * transform_sqrt=False}:
 *
 * <ol>
 *   <li>gradients by central differences without the factor 1/2 ({@code g_col[x] = I[x + 1] - I[x -
 *       1]}), zero on the border rows and columns;
 *   <li>unsigned orientation {@code atan2(g_row, g_col)} in degrees modulo 180, 9 bins of 20
 *       degrees, hard assignment (no interpolation); each cell holds the mean gradient magnitude
 *       per bin over its 8 x 8 pixels; pixels beyond the last whole cell are ignored;
 *   <li>blocks of 2 x 2 cells with a stride of one cell, each normalised by L2-Hys ({@code v /
 *       sqrt(|v|^2 + eps^2)}, clipped at 0.2, normalised again, {@code eps = 1e-5});
 *   <li>the descriptor lists blocks row by row, and within a block cells row by row, 9 bins each:
 *       length {@code (cellsY - 1) * (cellsX - 1) * 2 * 2 * 9}.
 * </ol>
 */
public final class Hog {

    /** Orientation bins over 0..180 degrees. */
    public static final int BINS = 9;

    /** Cell side in pixels. */
    public static final int CELL = 8;

    /** Block side in cells. */
    public static final int BLOCK = 2;

    private static final double EPS = 1e-5;

    private Hog() {}

    /** Descriptor length for an image of {@code h x w} pixels. */
    public static int length(int h, int w) {
        int cy = h / CELL;
        int cx = w / CELL;
        if (cy < BLOCK || cx < BLOCK) {
            return 0;
        }
        return (cy - BLOCK + 1) * (cx - BLOCK + 1) * BLOCK * BLOCK * BINS;
    }

    /** The descriptor of a row-major {@code h x w} image. */
    public static double[] descriptor(float[] img, int h, int w) {
        if (img.length != h * w) {
            throw new IllegalArgumentException("expected " + h * w + " values, got " + img.length);
        }
        int cy = h / CELL;
        int cx = w / CELL;
        double[][][] cells = new double[cy][cx][BINS];
        for (int y = 0; y < cy * CELL; y++) {
            for (int x = 0; x < cx * CELL; x++) {
                double gr =
                        y == 0 || y == h - 1
                                ? 0
                                : (double) img[(y + 1) * w + x] - img[(y - 1) * w + x];
                double gc =
                        x == 0 || x == w - 1 ? 0 : (double) img[y * w + x + 1] - img[y * w + x - 1];
                double mag = Math.hypot(gr, gc);
                if (mag == 0) {
                    continue;
                }
                double deg = Math.toDegrees(Math.atan2(gr, gc)) % 180;
                if (deg < 0) {
                    deg += 180;
                }
                int bin = Math.min(BINS - 1, (int) (deg / (180.0 / BINS)));
                cells[y / CELL][x / CELL][bin] += mag;
            }
        }
        double[] out = new double[length(h, w)];
        int o = 0;
        for (int by = 0; by + BLOCK <= cy; by++) {
            for (int bx = 0; bx + BLOCK <= cx; bx++) {
                double[] v = new double[BLOCK * BLOCK * BINS];
                int k = 0;
                for (int dy = 0; dy < BLOCK; dy++) {
                    for (int dx = 0; dx < BLOCK; dx++) {
                        for (int b = 0; b < BINS; b++) {
                            v[k++] = cells[by + dy][bx + dx][b] / (CELL * CELL);
                        }
                    }
                }
                l2Hys(v);
                System.arraycopy(v, 0, out, o, v.length);
                o += v.length;
            }
        }
        return out;
    }

    static void l2Hys(double[] v) {
        scale(v);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(v[i], 0.2);
        }
        scale(v);
    }

    private static void scale(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        double n = Math.sqrt(s + EPS * EPS);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }
}
