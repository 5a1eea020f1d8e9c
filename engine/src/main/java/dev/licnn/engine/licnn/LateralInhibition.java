package dev.licnn.engine.licnn;

/**
 * The lateral-inhibition model of {@code docs/LICNN.md} on one Max-C map, in plain Java.
 *
 * <p>With LIZ side k and zero padding of k/2: {@code avg = exp(-mean of the k*k window)} (padded
 * zeros count), {@code diff = sum over the window of w(d) * max(0, M_uv - M_ij)} with
 * {@code d = |(u,v)-(i,j)| / k} and {@code w(d) = d exp(-d)}; {@code LI = a avg + b diff}, then
 * L2-normalised. The gate keeps {@code M} where {@code M > LI}.
 *
 * <p>Stateless and thread-safe; all methods write into caller-provided arrays.
 */
public final class LateralInhibition {

    private LateralInhibition() {}

    /** Divides {@code v} by its L2 norm in place; an all-zero (or non-finite-norm) map is left as it is. */
    public static void l2NormalizeInPlace(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        double n = Math.sqrt(s);
        if (n > 0 && Double.isFinite(n)) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / n);
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
                double box = integral[i1 * (pw + 1) + j1] - integral[i0 * (pw + 1) + j1]
                        - integral[i1 * (pw + 1) + j0] + integral[i0 * (pw + 1) + j0];
                li[i * w + j] = (float) (a * Math.exp(-box / kk));
            }
        }
        // Differential term: one pass over the map per offset of the window (the centre weighs 0).
        float[] diff = new float[h * w];
        for (int du = -p; du <= p; du++) {
            for (int dv = -p; dv <= p; dv++) {
                if (du == 0 && dv == 0) {
                    continue;
                }
                double d = Math.sqrt((double) du * du + (double) dv * dv) / k;
                float wt = (float) (d * Math.exp(-d));
                // wt * max(0, delta) written as (wt / 2) * (delta + |delta|): the same float for
                // every delta (halving and doubling are exact), and a loop the JIT vectorises.
                float halfWt = wt * 0.5f;
                for (int i = 0; i < h; i++) {
                    int rowP = (i + p + du) * pw + p + dv;
                    int rowM = i * w;
                    for (int j = 0; j < w; j++) {
                        float delta = padded[rowP + j] - m[rowM + j];
                        diff[rowM + j] += halfWt * (delta + Math.abs(delta));
                    }
                }
            }
        }
        for (int i = 0; i < li.length; i++) {
            li[i] += b * diff[i];
        }
        l2NormalizeInPlace(li);
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
