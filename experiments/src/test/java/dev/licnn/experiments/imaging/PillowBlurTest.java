package dev.licnn.experiments.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The blur against Pillow's own output. The expected pixels were computed with Pillow 12.3.0:
 *
 * <pre>
 * im = Image.new("RGB", (w, h))
 * im.putdata([((x*37 + y*11) % 256, (x*x*5 + y*50) % 256, (255 - x*20 - y*30) % 256)
 *             for y in range(h) for x in range(w)])
 * im.filter(ImageFilter.GaussianBlur(radius)).get_flattened_data()
 * </pre>
 */
class PillowBlurTest {

    static int[] pattern(int w, int h) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 37 + y * 11) % 256;
                int g = (x * x * 5 + y * 50) % 256;
                int b = Math.floorMod(255 - x * 20 - y * 30, 256);
                px[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return px;
    }

    @Test
    void blur_matchesPillow_radius2() {
        int[] expected = {
            0x323fcc, 0x4245c3, 0x5a52b6, 0x7561a8, 0x8d6f9b, 0x9d7992, 0x354ec3, 0x4554ba,
            0x5d5fad, 0x786b9f, 0x907692, 0xa07e89, 0x3a61b7, 0x4a67ae, 0x6270a1, 0x7d7893,
            0x957f86, 0xa5847d, 0x3d70ae, 0x4d76a5, 0x657d98, 0x80828a, 0x98867d, 0xa88874
        };
        assertArrayEquals(expected, PillowBlur.blur(pattern(6, 4), 6, 4, 2f));
    }

    @Test
    void blur_matchesPillow_fractionalRadius() {
        int[] expected = {
            0x252fd7, 0x3736ce, 0x5445be, 0x755aac, 0x926f9c, 0xa47e93, 0x2a44cb, 0x3c4bc2,
            0x5959b2, 0x7a6ba0, 0x977b90, 0xa98687, 0x3162b9, 0x4369b0, 0x6075a0, 0x81818e,
            0x9e8a7e, 0xb08e75, 0x3577ac, 0x477ea3, 0x648893, 0x859181, 0xa29471, 0xb49368
        };
        assertArrayEquals(expected, PillowBlur.blur(pattern(6, 4), 6, 4, 1.5f));
    }

    @Test
    void blur_matchesPillow_boxWiderThanTheImage() {
        int[] narrow = {
            0x3967b3, 0x3967b3, 0x3968b3, 0x3a6ab1, 0x3a6ab1, 0x3a6bb1, 0x3b6daf, 0x3b6daf,
            0x3b6eaf, 0x3c70ad, 0x3c70ad, 0x3c71ad, 0x3d73ab, 0x3d73ab, 0x3d74ab
        };
        assertArrayEquals(narrow, PillowBlur.blur(pattern(3, 5), 3, 5, 5f));
        int[] row = {
            0x2867bc, 0x2868bb, 0x286aba, 0x286bb9, 0x286db9, 0x286eb8, 0x2870b7, 0x2871b6
        };
        assertArrayEquals(row, PillowBlur.blur(pattern(8, 1), 8, 1, 10f));
    }

    @Test
    void constantImage_staysConstant() {
        int[] px = new int[30 * 20];
        java.util.Arrays.fill(px, 0x7f10e0);
        for (float r : new float[] {0.5f, 2f, 5f, 10f, 40f}) {
            assertArrayEquals(px, PillowBlur.blur(px, 30, 20, r), "radius " + r);
        }
    }

    @Test
    void radiusZero_isACopy() {
        int[] px = pattern(5, 5);
        assertArrayEquals(px, PillowBlur.blur(px, 5, 5, 0f));
        assertThrows(IllegalArgumentException.class, () -> PillowBlur.blur(px, 5, 5, -1f));
    }

    /**
     * Radius means sigma: three extended boxes of radius l + a (weights 1 on the 2l+1 centre
     * pixels, a on the two next ones, over 2(l+a)+1) have a total variance of radius^2.
     */
    @Test
    void boxRadius_givesThreePassesWithVarianceSigmaSquared() {
        for (float sigma : new float[] {1f, 2f, 5f, 10f}) {
            float r = PillowBlur.boxRadius(sigma, 3);
            int l = (int) r;
            double a = r - l;
            double m2 = 0;
            for (int k = 1; k <= l; k++) {
                m2 += 2.0 * k * k;
            }
            m2 += 2 * a * (l + 1) * (l + 1);
            double variance = 3 * m2 / (2 * r + 1);
            assertEquals(sigma * sigma, variance, 1e-4 * sigma * sigma, "sigma " + sigma);
        }
        assertEquals(1.375f, PillowBlur.boxRadius(2f, 3), 1e-6f);
        assertEquals(4.45f, PillowBlur.boxRadius(5f, 3), 1e-5f);
        assertEquals(9.475f, PillowBlur.boxRadius(10f, 3), 1e-5f);
    }

    @Test
    void blur_isWithinThreeGreyLevelsOfATrueGaussianOfThatSigma() {
        // A step from 0 to 255 at x = 40, blurred with radius 5, against the step convolved with a
        // sampled
        // Gaussian of sigma 5 (edges repeated): Pillow's box approximation stays within 3 levels.
        int w = 80;
        int[] px = new int[w];
        for (int x = 40; x < w; x++) {
            px[x] = 0xffffff;
        }
        int[] out = PillowBlur.blur(px, w, 1, 5f);
        for (int x = 20; x < 60; x++) {
            double num = 0;
            double den = 0;
            for (int k = -40; k <= 40; k++) {
                double g = Math.exp(-k * k / 50.0);
                num += g * (Math.min(w - 1, Math.max(0, x + k)) >= 40 ? 255 : 0);
                den += g;
            }
            assertEquals(num / den, out[x] & 255, 3.0, "x " + x);
        }
        assertEquals(
                137, out[40] & 255); // Pillow 12.3.0 gives 137 here, the sampled Gaussian 137.7
    }
}
