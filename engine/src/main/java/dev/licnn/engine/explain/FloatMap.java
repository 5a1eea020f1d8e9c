package dev.licnn.engine.explain;

import java.util.Objects;

/**
 * A row-major {@code height x width} map of floats. The array is shared, not copied: do not modify
 * it.
 */
public final class FloatMap {

    private final int height;
    private final int width;
    private final float[] data;

    public FloatMap(int height, int width, float[] data) {
        Objects.requireNonNull(data, "data");
        if (height <= 0 || width <= 0 || (long) height * width != data.length) {
            throw new IllegalArgumentException(
                    "map of " + height + "x" + width + " cannot hold " + data.length + " values");
        }
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The values, row-major; shared with this map. */
    public float[] data() {
        return data;
    }

    public float get(int y, int x) {
        return data[y * width + x];
    }

    /** Smallest value. */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** Largest value. */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatMap[" + height + "x" + width + "]";
    }

    /**
     * {@code v / ||v||_2} as floats (the norm in double precision); an all-zero or non-finite-norm
     * map is returned unscaled.
     */
    public static float[] l2Normalized(double[] acc) {
        double s = 0;
        for (double x : acc) {
            s += x * x;
        }
        double n = Math.sqrt(s);
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = n > 0 && Double.isFinite(n) ? (float) (acc[i] / n) : (float) acc[i];
        }
        return out;
    }
}
