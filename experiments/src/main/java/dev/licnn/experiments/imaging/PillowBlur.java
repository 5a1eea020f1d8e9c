package dev.licnn.experiments.imaging;

/**
 * Pillow's {@code ImageFilter.GaussianBlur(radius)}, reproduced bit for bit on 8-bit RGB images.
 *
 * <p>Pillow does not convolve with a sampled Gaussian. {@code ImagingGaussianBlur} (libImaging
 * {@code BoxBlur.c}) treats {@code radius} as the standard deviation sigma and approximates the
 * Gaussian by three passes of an "extended" box blur (Gwosdek et al., SSVM 2011): each pass has the
 * variance {@code sigma^2 / 3}, which a box of fractional radius {@code l + a} achieves ({@code l}
 * whole pixels on each side plus the next pixel on each side with weight {@code a}). The three
 * horizontal passes run first, then the three vertical ones; edges repeat the border pixel; every
 * pass rounds back to 8 bits in 8.24 fixed point, as Pillow does. The result differs from a true
 * Gaussian with the same sigma by a few grey levels near edges and by the box kernel's shape (a
 * piecewise quadratic with finite support of about {@code 3 (l + 1)} pixels).
 *
 * <pre>{@code
 * int[] blurred = PillowBlur.blur(rgb, width, height, 5f);   // packed 0xRRGGBB, row-major
 * }</pre>
 */
public final class PillowBlur {

    /** Box passes per direction, Pillow's default for {@code GaussianBlur}. */
    public static final int PASSES = 3;

    private PillowBlur() {}

    /**
     * The radius of each box pass for a Gaussian with standard deviation {@code sigma} ({@code
     * _gaussian_blur_radius} in Pillow, single precision as there).
     */
    public static float boxRadius(float sigma, int passes) {
        float sigma2 = sigma * sigma / passes;
        float bigL = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((bigL - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /**
     * Blurs packed {@code 0xRRGGBB} pixels (row-major, {@code width x height}) like {@code
     * image.filter(ImageFilter.GaussianBlur(radius))}; radius 0 returns a copy.
     */
    public static int[] blur(int[] rgb, int width, int height, float radius) {
        if (rgb.length != width * height) {
            throw new IllegalArgumentException(
                    "expected " + width * height + " pixels, got " + rgb.length);
        }
        if (radius < 0 || !Float.isFinite(radius)) {
            throw new IllegalArgumentException("radius must be finite and >= 0, got " + radius);
        }
        if (radius == 0) {
            return rgb.clone();
        }
        float box = boxRadius(radius, PASSES);
        int[][] ch = new int[3][width * height];
        for (int i = 0; i < rgb.length; i++) {
            ch[0][i] = (rgb[i] >> 16) & 255;
            ch[1][i] = (rgb[i] >> 8) & 255;
            ch[2][i] = rgb[i] & 255;
        }
        int[] line = new int[Math.max(width, height)];
        int[] out = new int[line.length];
        for (int[] c : ch) {
            if (box != 0) {
                for (int p = 0; p < PASSES; p++) {
                    for (int y = 0; y < height; y++) {
                        System.arraycopy(c, y * width, line, 0, width);
                        boxLine(line, out, width, box);
                        System.arraycopy(out, 0, c, y * width, width);
                    }
                }
                for (int p = 0; p < PASSES; p++) {
                    for (int x = 0; x < width; x++) {
                        for (int y = 0; y < height; y++) {
                            line[y] = c[y * width + x];
                        }
                        boxLine(line, out, height, box);
                        for (int y = 0; y < height; y++) {
                            c[y * width + x] = out[y];
                        }
                    }
                }
            }
        }
        int[] res = new int[rgb.length];
        for (int i = 0; i < res.length; i++) {
            res[i] = (ch[0][i] << 16) | (ch[1][i] << 8) | ch[2][i];
        }
        return res;
    }

    /** One extended box pass over {@code n} values ({@code ImagingLineBoxBlur} in Pillow). */
    static void boxLine(int[] in, int[] out, int n, float floatRadius) {
        int radius = (int) floatRadius;
        long ww = (long) ((float) (1 << 24) / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int lastx = n - 1;
        int edgeA = Math.min(radius + 1, n);
        int edgeB = Math.max(n - radius - 1, 0);
        // The running sum for pixel -1: the first pixel repeated radius + 1 times, then pixels
        // 0..radius-1
        // (the last pixel standing in for those past the end).
        long acc = (long) in[0] * (radius + 1);
        for (int x = 0; x < edgeA - 1; x++) {
            acc += in[x];
        }
        acc += (long) in[lastx] * (radius - edgeA + 1);
        if (edgeA <= edgeB) {
            for (int x = 0; x < edgeA; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc * ww + (in[0] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeA; x < edgeB; x++) {
                acc += in[x + radius] - in[x - radius - 1];
                out[x] = save(acc * ww + (in[x - radius - 1] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeB; x <= lastx; x++) {
                acc += in[lastx] - in[x - radius - 1];
                out[x] = save(acc * ww + (in[x - radius - 1] + in[lastx]) * fw);
            }
        } else {
            for (int x = 0; x < edgeB; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc * ww + (in[0] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeB; x < edgeA; x++) {
                acc += in[lastx] - in[0];
                out[x] = save(acc * ww + (in[0] + in[lastx]) * fw);
            }
            for (int x = edgeA; x <= lastx; x++) {
                acc += in[lastx] - in[x - radius - 1];
                out[x] = save(acc * ww + (in[x - radius - 1] + in[lastx]) * fw);
            }
        }
    }

    /** 8.24 fixed point to 8 bits, rounding half up, wrapping like Pillow's cast to UINT8. */
    private static int save(long bulk) {
        return (int) (((bulk + (1L << 23)) >> 24) & 255);
    }
}
