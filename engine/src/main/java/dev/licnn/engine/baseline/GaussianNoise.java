package dev.licnn.engine.baseline;

/**
 * Reproducible standard normal numbers for SmoothGrad, defined so that another implementation (the
 * golden-fixture script) can draw exactly the same noise.
 *
 * <p>Counter-based SplitMix64: the {@code k}-th 64-bit word of stream {@code seed} is {@code
 * mix64(seed + (k + 1) * 0x9E3779B97F4A7C15)} (wrapping), the same words {@code new
 * java.util.SplittableRandom(seed).nextLong()} returns one after the other; a uniform is {@code
 * (word >>> 11) * 2^-53}. Normal number {@code j} takes the uniforms {@code u1, u2} of words {@code
 * 2*(j/2)} and {@code 2*(j/2)+1} (Box-Muller): {@code r = sqrt(-2 ln(1 - u1))}, then {@code r cos(2
 * pi u2)} for even {@code j} and {@code r sin(2 pi u2)} for odd {@code j}. SmoothGrad sample {@code
 * s} of a {@code 3 x H x W} input uses the numbers {@code s*3*H*W ..} in CHW order.
 */
final class GaussianNoise {

    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private GaussianNoise() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform number {@code k} of stream {@code seed}, in [0, 1). */
    static double uniform(long seed, long k) {
        return (mix64(seed + (k + 1) * GOLDEN_GAMMA) >>> 11) * 0x1.0p-53;
    }

    /**
     * Writes {@code scale * N_j} for {@code j = start .. start + out.length - 1} into {@code out}.
     */
    static void fill(long seed, long start, double scale, float[] out) {
        long pair = -1;
        double r = 0;
        double theta = 0;
        for (int i = 0; i < out.length; i++) {
            long j = start + i;
            if (j >> 1 != pair) {
                pair = j >> 1;
                r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - uniform(seed, 2 * pair)));
                theta = 2.0 * Math.PI * uniform(seed, 2 * pair + 1);
            }
            double z = (j & 1) == 0 ? r * StrictMath.cos(theta) : r * StrictMath.sin(theta);
            out[i] = (float) (scale * z);
        }
    }
}
