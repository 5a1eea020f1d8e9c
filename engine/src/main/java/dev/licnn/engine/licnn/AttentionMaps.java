package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.FloatMap;

/** Turns per-layer Sum-C maps into an attention map: nearest-neighbour upsampling, sum, L2 norm. */
public final class AttentionMaps {

    private AttentionMaps() {}

    /**
     * Source index of output index {@code dst} for nearest-neighbour resizing from {@code in} to
     * {@code out}, as PyTorch computes it ({@code floor(dst * (float) in / out)}, clamped).
     */
    static int nearestSource(int dst, int in, int out) {
        float scale = (float) in / out;
        int src = (int) Math.floor(dst * scale);
        return Math.min(src, in - 1);
    }

    /**
     * Adds {@code map} (h x w), upsampled by nearest neighbour to {@code outH x outW}, into {@code
     * acc}.
     */
    static void addUpsampled(
            float[] map, int h, int w, double[] acc, int outH, int outW, double factor) {
        int[] cols = new int[outW];
        for (int x = 0; x < outW; x++) {
            cols[x] = nearestSource(x, w, outW);
        }
        for (int y = 0; y < outH; y++) {
            int row = nearestSource(y, h, outH) * w;
            int o = y * outW;
            for (int x = 0; x < outW; x++) {
                acc[o + x] += map[row + cols[x]] * factor;
            }
        }
    }

    /** L2 norm of {@code v} in double precision. */
    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * {@code acc / ||acc||} as floats; an all-zero (or non-finite norm) map is returned unscaled.
     */
    public static float[] normalized(double[] acc) {
        return FloatMap.l2Normalized(acc);
    }
}
