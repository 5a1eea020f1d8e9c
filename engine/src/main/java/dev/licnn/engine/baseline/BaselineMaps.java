package dev.licnn.engine.baseline;

/** Map arithmetic of the baseline methods: channel reductions, Grad-CAM, resizing, L2 norm. */
final class BaselineMaps {

    private BaselineMaps() {}

    /** {@code max_c |g_c * scale|} of a CHW array with {@code hw} locations per channel. */
    static double[] maxAbsOverChannels(double[] g, int hw, double scale) {
        double[] out = new double[hw];
        for (int p = 0; p < hw; p++) {
            double m = 0;
            for (int c = 0; c < 3; c++) {
                m = Math.max(m, Math.abs(g[c * hw + p] * scale));
            }
            out[p] = m;
        }
        return out;
    }

    /** {@code sum_c g_c * scale * v_c} of two CHW arrays. */
    static double[] sumProductOverChannels(double[] g, float[] v, int hw, double scale) {
        double[] out = new double[hw];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < hw; p++) {
                out[p] += g[c * hw + p] * scale * v[c * hw + p];
            }
        }
        return out;
    }

    /**
     * Grad-CAM of one image at layer resolution: {@code ReLU(sum_c mean(grad_c) * act_c)}, reading
     * {@code channels x hw} values of {@code grad} and {@code act} from {@code offset}.
     */
    static float[] gradCam(float[] grad, float[] act, int offset, int channels, int hw) {
        double[] acc = new double[hw];
        for (int c = 0; c < channels; c++) {
            int base = offset + c * hw;
            double mean = 0;
            for (int p = 0; p < hw; p++) {
                mean += grad[base + p];
            }
            mean /= hw;
            for (int p = 0; p < hw; p++) {
                acc[p] += mean * act[base + p];
            }
        }
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            out[p] = (float) Math.max(0.0, acc[p]);
        }
        return out;
    }

    /**
     * Bilinear resize as PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)}:
     * source coordinate {@code (dst + 0.5) * in / out - 0.5}, clamped at 0, neighbours clamped at
     * the edge.
     */
    static double[] resizeBilinear(float[] in, int ih, int iw, int oh, int ow) {
        int[] y0 = new int[oh];
        int[] y1 = new int[oh];
        float[] ly = new float[oh];
        coordinates(ih, oh, y0, y1, ly);
        int[] x0 = new int[ow];
        int[] x1 = new int[ow];
        float[] lx = new float[ow];
        coordinates(iw, ow, x0, x1, lx);
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            float h1 = ly[y];
            float h0 = 1f - h1;
            int r0 = y0[y] * iw;
            int r1 = y1[y] * iw;
            for (int x = 0; x < ow; x++) {
                float w1 = lx[x];
                float w0 = 1f - w1;
                out[y * ow + x] =
                        h0 * (w0 * in[r0 + x0[x]] + w1 * in[r0 + x1[x]])
                                + h1 * (w0 * in[r1 + x0[x]] + w1 * in[r1 + x1[x]]);
            }
        }
        return out;
    }

    private static void coordinates(int in, int out, int[] i0, int[] i1, float[] lambda) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(0f, scale * (d + 0.5f) - 0.5f);
            int a = Math.min((int) src, in - 1);
            i0[d] = a;
            i1[d] = a < in - 1 ? a + 1 : a;
            lambda[d] = Math.min(1f, src - a);
        }
    }

    /** {@code v / ||v||_2} as floats; an all-zero (or non-finite norm) map is returned unscaled. */
    static float[] normalized(double[] v) {
        return dev.licnn.engine.explain.FloatMap.l2Normalized(v);
    }
}
