package dev.licnn.engine.licnn;

import java.util.Arrays;

/**
 * The lateral-inhibition model of {@code docs/LICNN.md} on one Max-C map, in plain Java.
 *
 * <p>With LIZ side k and zero padding of k/2: {@code avg = exp(-mean of the k*k window)} (padded
 * zeros count), {@code diff = sum over the window of w(d) * max(0, M_uv - M_ij)} with {@code d =
 * |(u,v)-(i,j)| / k} and {@code w(d) = d exp(-d)}; {@code LI = a avg + b diff}, then L2-normalised.
 * The gate keeps {@code M} where {@code M > LI}.
 *
 * <p>Stateless and thread-safe; all methods write into caller-provided arrays.
 */
public final class LateralInhibition {

    /** Locations per band of the differential term: three float bands of this size fit in L1. */
    private static final int BAND_LOCATIONS = 2048;

    private LateralInhibition() {}

    /**
     * Divides {@code v} by its L2 norm in place; an all-zero (or non-finite-norm) map is left as it
     * is. The squares are summed in double (four running sums, so the loop is not one long chain of
     * dependent additions); the norm is rounded to float and each value divided by it in float, as
     * the float32 reference computes {@code x / x.norm()}.
     */
    public static void l2NormalizeInPlace(float[] v) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < v.length; i += 4) {
            s0 += (double) v[i] * v[i];
            s1 += (double) v[i + 1] * v[i + 1];
            s2 += (double) v[i + 2] * v[i + 2];
            s3 += (double) v[i + 3] * v[i + 3];
        }
        for (; i < v.length; i++) {
            s0 += (double) v[i] * v[i];
        }
        double norm = Math.sqrt((s0 + s1) + (s2 + s3));
        float n = (float) norm;
        if (n > 0 && Float.isFinite(n)) {
            for (int j = 0; j < v.length; j++) {
                v[j] = v[j] / n;
            }
        } else if (norm > 0 && Double.isFinite(norm)) {
            // a norm beyond float's range (values near Float.MAX_VALUE): divide in double
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (v[j] / norm);
            }
        }
    }

    /**
     * Computes the L2-normalised inhibition map of {@code m} (already L2-normalised).
     *
     * @param m the Max-C map, {@code h * w} values row-major
     * @param k LIZ side, odd
     * @param li output, {@code h * w} values
     */
    public static void inhibition(float[] m, int h, int w, int k, float a, float b, float[] li) {
        if (k % 2 == 0 || k < 1) {
            throw new IllegalArgumentException("LIZ size must be odd, got " + k);
        }
        int p = k / 2;
        int pw = w + 2 * p;
        int ph = h + 2 * p;
        float[] padded = new float[ph * pw];
        for (int i = 0; i < h; i++) {
            System.arraycopy(m, i * w, padded, (i + p) * pw + p, w);
        }
        // Average term: box sums over the padded map through an integral image (double precision).
        double[] integral = new double[(ph + 1) * (pw + 1)];
        for (int i = 0; i < ph; i++) {
            double row = 0;
            for (int j = 0; j < pw; j++) {
                row += padded[i * pw + j];
                integral[(i + 1) * (pw + 1) + j + 1] = integral[i * (pw + 1) + j + 1] + row;
            }
        }
        double kk = (double) k * k;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                int i0 = i;
                int j0 = j;
                int i1 = i + k;
                int j1 = j + k;
                double box =
                        integral[i1 * (pw + 1) + j1]
                                - integral[i0 * (pw + 1) + j1]
                                - integral[i1 * (pw + 1) + j0]
                                + integral[i0 * (pw + 1) + j0];
                li[i * w + j] = (float) (a * Math.exp(-box / kk));
            }
        }
        // Differential term, band by band: for a band of whole rows (about 2048 locations), every
        // offset
        // of the window adds into a band accumulator. The accumulator, the band of the map and the
        // band
        // of the shifted padded map are small arrays indexed alike from 0, so they stay in L1 and
        // the
        // JIT vectorises the inner loop over the whole band; each location still sums its offsets
        // in
        // the same order, so the floats are those of one pass over the map per offset.
        float[] halfWts = new float[k * k];
        for (int du = -p; du <= p; du++) {
            for (int dv = -p; dv <= p; dv++) {
                double d = Math.sqrt((double) du * du + (double) dv * dv) / k;
                // wt * max(0, delta) written as (wt / 2) * (delta + |delta|): the same float for
                // every delta (halving and doubling are exact), and a loop the JIT vectorises.
                halfWts[(du + p) * k + dv + p] = (float) (d * Math.exp(-d)) * 0.5f;
            }
        }
        float[] diff = new float[h * w];
        int band = Math.max(1, Math.min(h, BAND_LOCATIONS / w));
        float[] acc = new float[band * w];
        float[] mBand = new float[band * w];
        float[] shifted = new float[band * w];
        for (int i0 = 0; i0 < h; i0 += band) {
            int rows = Math.min(band, h - i0);
            int len = rows * w;
            System.arraycopy(m, i0 * w, mBand, 0, len);
            Arrays.fill(acc, 0, len, 0f);
            for (int du = -p; du <= p; du++) {
                for (int dv = -p; dv <= p; dv++) {
                    if (du == 0 && dv == 0) {
                        continue;
                    }
                    float halfWt = halfWts[(du + p) * k + dv + p];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(
                                padded, (i0 + r + p + du) * pw + p + dv, shifted, r * w, w);
                    }
                    for (int j = 0; j < len; j++) {
                        float delta = shifted[j] - mBand[j];
                        acc[j] += halfWt * (delta + Math.abs(delta));
                    }
                }
            }
            System.arraycopy(acc, 0, diff, i0 * w, len);
        }
        for (int i = 0; i < li.length; i++) {
            li[i] += b * diff[i];
        }
        l2NormalizeInPlace(li);
    }

    /**
     * The keep mask alone: {@code keep[offset + i] = 1 where m[i] > li[i], else 0} (the same test
     * as {@link #gate}). For finite values, {@code m > li} exactly when {@code d = m - li} is above
     * zero (a difference of distinct floats never rounds to zero), read off the bits of {@code d}
     * so the loop vectorises; a map with a non-finite difference is compared value by value.
     */
    public static void keep(float[] m, float[] li, float[] keep, int offset) {
        int nonFinite = 0;
        for (int i = 0; i < m.length; i++) {
            int b = Float.floatToRawIntBits(m[i] - li[i]);
            // 1 when b > 0 as an int: a positive, non-zero float (or a positive NaN, caught below)
            keep[offset + i] = 1 - (((b - 1) | b) >>> 31);
            // the sign bit is set here exactly when the exponent is all ones (infinity or NaN)
            nonFinite |= (b & 0x7F800000) + 0x00800000;
        }
        if (nonFinite < 0) {
            for (int i = 0; i < m.length; i++) {
                keep[offset + i] = m[i] > li[i] ? 1f : 0f;
            }
        }
    }

    /**
     * The gate: {@code out = m where m > li, else 0}; {@code keep} (may be null) gets 1 where kept
     * and 0 where suppressed.
     *
     * @return the number of suppressed locations
     */
    public static int gate(float[] m, float[] li, float[] out, float[] keep) {
        int suppressed = 0;
        for (int i = 0; i < m.length; i++) {
            boolean k = m[i] > li[i];
            out[i] = k ? m[i] : 0f;
            if (keep != null) {
                keep[i] = k ? 1f : 0f;
            }
            if (!k) {
                suppressed++;
            }
        }
        return suppressed;
    }
}
