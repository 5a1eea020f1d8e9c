package dev.licnn.experiments.blur;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which pixels the blur experiment treats as the object. LICNN's regions are its maps above the
 * paper's threshold ({@link Localisation#objectPixels}); the controls separate "the map is wrong"
 * from "blurring the background does not help": the true object mask (what a perfect map would
 * give) and a random rectangle of exactly the same area as a LICNN region (what area alone does).
 * Blurring the whole image is the third control and needs no region.
 */
public enum BlurRegion {
    /** The top-1 class's LICNN attention map. */
    LICNN_TOP1("licnn_top1", "LICNN top-1 map"),
    /** The LICNN saliency map of the top-5 classes (the paper's object region). */
    LICNN_TOP5("licnn_top5", "LICNN top-5 saliency"),
    /** The top-1 map with lateral inhibition switched off (a = b = 0: gradient gating only). */
    NO_INHIBITION_TOP1("no_inhibition_top1", "no inhibition (a = b = 0), top-1 map"),
    /** The dataset's object mask. */
    GROUND_TRUTH("ground_truth", "ground-truth mask"),
    /** A random rectangle with the area of {@link #LICNN_TOP1}. */
    RANDOM_TOP1("random_top1", "random region, area of LICNN top-1"),
    /** A random rectangle with the area of {@link #LICNN_TOP5}. */
    RANDOM_TOP5("random_top5", "random region, area of LICNN top-5");

    private final String key;
    private final String description;

    BlurRegion(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** Name in files, tables and options. */
    public String key() {
        return key;
    }

    /** Words for tables. */
    public String description() {
        return description;
    }

    /** The region named {@code key} ({@code licnn_top1}, ...). */
    public static BlurRegion of(String key) {
        for (BlurRegion r : values()) {
            if (r.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown region '" + key + "'");
    }

    /**
     * A random axis-aligned region of exactly {@code area} pixels in an {@code h x w} image: a
     * rectangle of random aspect ratio (1:2 to 2:1, narrowed where the image is too small) at a
     * random position, its last row filled only as far as the area needs. The same seed gives the
     * same region.
     */
    public static boolean[] randomRegion(int area, int h, int w, long seed) {
        if (area < 0 || area > h * w) {
            throw new IllegalArgumentException(
                    "area " + area + " does not fit a " + h + "x" + w + " image");
        }
        boolean[] out = new boolean[h * w];
        if (area == 0) {
            return out;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double ratio = Math.exp((rnd.nextDouble() * 2 - 1) * Math.log(2));
        int rw = (int) Math.round(Math.sqrt(area * ratio));
        rw = Math.max((area + h - 1) / h, Math.min(w, Math.max(1, rw)));
        int rh = (area + rw - 1) / rw;
        int x0 = rnd.nextInt(w - rw + 1);
        int y0 = rnd.nextInt(h - rh + 1);
        int left = area;
        for (int y = y0; y < y0 + rh && left > 0; y++) {
            for (int x = x0; x < x0 + rw && left > 0; x++) {
                out[y * w + x] = true;
                left--;
            }
        }
        return out;
    }

    /** Pixels set in a mask. */
    public static int area(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
