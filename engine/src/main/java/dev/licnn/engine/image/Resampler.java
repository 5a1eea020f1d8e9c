package dev.licnn.engine.image;

/**
 * PIL's separable antialiased bilinear ("triangle filter") resampling, as used by {@code
 * Image.resize(size, Image.BILINEAR)} and therefore by torchvision's {@code Resize} on PIL images.
 * It reproduces PIL's {@code Resample.c} for 8-bit RGB: the filter support grows with the downscale
 * factor, coefficients are normalised then quantised to 22 fractional bits, the horizontal pass
 * runs first and is rounded and clipped to 8 bits before the vertical pass.
 *
 * <p>Only the requested window of the resized image is computed. Every output pixel depends on its
 * own coefficients only, so a window equals the same region of the full resize; this keeps a resize
 * followed by a crop cheap even for large or very elongated inputs.
 */
final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {}

    /** Resizes {@code in} to {@code outWidth x outHeight} (the whole image). */
    static RgbImage resize(RgbImage in, int outWidth, int outHeight) {
        return resizeWindow(in, outWidth, outHeight, 0, 0, outWidth, outHeight);
    }

    /**
     * Returns the window {@code [left, left + width) x [top, top + height)} of {@code in} resized
     * to {@code outWidth x outHeight}.
     */
    static RgbImage resizeWindow(
            RgbImage in,
            long outWidth,
            long outHeight,
            long left,
            long top,
            int width,
            int height) {
        if (left < 0 || top < 0 || left + width > outWidth || top + height > outHeight) {
            throw new IllegalArgumentException("window outside the resized image");
        }
        int inW = in.width();
        int inH = in.height();
        Coefficients horiz = outWidth == inW ? null : Coefficients.of(inW, outWidth, left, width);
        Coefficients vert = outHeight == inH ? null : Coefficients.of(inH, outHeight, top, height);

        // Input rows the vertical pass will read.
        int rowFirst = vert == null ? (int) top : vert.start[0];
        int rowEnd = vert == null ? (int) top + height : vert.maxEnd();
        int tempH = rowEnd - rowFirst;

        int[] src = in.pixels();
        int[] temp = new int[width * tempH];
        for (int ty = 0; ty < tempH; ty++) {
            int rowOffset = (rowFirst + ty) * inW;
            for (int x = 0; x < width; x++) {
                temp[ty * width + x] =
                        horiz == null
                                ? src[rowOffset + (int) left + x]
                                : horiz.apply(src, rowOffset + horiz.start[x], 1, x);
            }
        }
        if (vert == null) {
            return new RgbImage(width, height, temp);
        }
        int[] out = new int[width * height];
        for (int y = 0; y < height; y++) {
            int rowOffset = (vert.start[y] - rowFirst) * width;
            for (int x = 0; x < width; x++) {
                out[y * width + x] = vert.apply(temp, rowOffset + x, width, y);
            }
        }
        return new RgbImage(width, height, out);
    }

    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS) << 8) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Fixed-point filter taps for a range of output positions along one axis. */
    private static final class Coefficients {
        final int[] start;
        final int[] count;
        final int[] taps;
        final int ksize;

        private Coefficients(int n, int ksize) {
            this.start = new int[n];
            this.count = new int[n];
            this.taps = new int[n * ksize];
            this.ksize = ksize;
        }

        /** PIL's precompute_coeffs + normalize_coeffs_8bpc, for outputs first .. first + n - 1. */
        static Coefficients of(int inSize, long outSize, long first, int n) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale; // bilinear support is 1
            int ksize = (int) Math.ceil(support) * 2 + 1;
            Coefficients c = new Coefficients(n, ksize);
            double[] w = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int i = 0; i < n; i++) {
                double center = (first + i + 0.5) * scale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                xmax = Math.min(xmax, ksize);
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = triangle((x + xmin - center + 0.5) * ss);
                    ww += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double k = ww != 0.0 ? w[x] / ww : w[x];
                    c.taps[i * ksize + x] =
                            k < 0
                                    ? (int) (-0.5 + k * (1 << PRECISION_BITS))
                                    : (int) (0.5 + k * (1 << PRECISION_BITS));
                }
                c.start[i] = xmin;
                c.count[i] = Math.max(0, xmax);
            }
            return c;
        }

        int maxEnd() {
            int end = 0;
            for (int i = 0; i < start.length; i++) {
                end = Math.max(end, start[i] + count[i]);
            }
            return end;
        }

        /**
         * Filters output position {@code i}: tap {@code t} weighs {@code data[first + t * stride]},
         * where {@code first} is the index of input sample {@code start[i]}.
         */
        int apply(int[] data, int first, int stride, int i) {
            int r = HALF;
            int g = HALF;
            int b = HALF;
            int k0 = i * ksize;
            for (int t = 0; t < count[i]; t++) {
                int p = data[first + t * stride];
                int k = taps[k0 + t];
                r += ((p >> 16) & 0xFF) * k;
                g += ((p >> 8) & 0xFF) * k;
                b += (p & 0xFF) * k;
            }
            return (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
        }
    }
}
