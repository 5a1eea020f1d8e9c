package dev.licnn.engine.explain;

import java.util.Arrays;
import java.util.Comparator;

/** Orders class scores. */
public final class Ranking {

    private Ranking() {}

    /** The indices of the {@code k} largest values, largest first; ties go to the lower index. */
    public static int[] topK(float[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(
                idx, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        int n = Math.min(k, scores.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** Softmax computed in double precision, returned as floats. */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
