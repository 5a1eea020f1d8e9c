package dev.licnn.dataset;

import java.util.SplittableRandom;

/** Packed {@code 0xRRGGBB} colour helpers and the two luma bands objects and backgrounds use. */
final class Colours {

    /** Luma range of a band, inclusive, on 0..255. */
    enum Band {
        DARK(15, 100),
        LIGHT(155, 245);

        final int minLuma;
        final int maxLuma;

        Band(int minLuma, int maxLuma) {
            this.minLuma = minLuma;
            this.maxLuma = maxLuma;
        }

        Band opposite() {
            return this == DARK ? LIGHT : DARK;
        }
    }

    private Colours() {}

    /** ITU-R BT.601 luma of a packed colour, 0..255. */
    static double luma(int rgb) {
        return 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
    }

    /**
     * A random colour whose luma lies in {@code band} (rejection sampling: deterministic per
     * stream).
     */
    static int random(SplittableRandom r, Band band) {
        while (true) {
            int c = r.nextInt(1 << 24);
            double l = luma(c);
            if (l >= band.minLuma && l <= band.maxLuma) {
                return c;
            }
        }
    }

    /**
     * A random colour in {@code band} that differs from {@code other} by at least 60 in some
     * channel.
     */
    static int randomDistinct(SplittableRandom r, Band band, int other) {
        while (true) {
            int c = random(r, band);
            if (maxChannelDiff(c, other) >= 60) {
                return c;
            }
        }
    }

    static int maxChannelDiff(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
        }
        return d;
    }

    /** Linear blend {@code a + t (b - a)} per channel, {@code t} clamped to [0, 1]. */
    static int mix(int a, int b, double t) {
        double u = t < 0 ? 0 : (t > 1 ? 1 : t);
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int ca = (a >> shift) & 0xFF;
            int cb = (b >> shift) & 0xFF;
            out |= ((int) Math.round(ca + u * (cb - ca))) << shift;
        }
        return out;
    }

    /** Adds {@code delta} to every channel, clamped to 0..255. */
    static int shift(int rgb, int delta) {
        int out = 0;
        for (int s = 16; s >= 0; s -= 8) {
            int c = ((rgb >> s) & 0xFF) + delta;
            out |= Math.max(0, Math.min(255, c)) << s;
        }
        return out;
    }
}
