package dev.licnn.experiments.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.experiments.stats.Correlation;
import org.junit.jupiter.api.Test;

/** Spearman with ties, HOG and SSIM on cases with known answers. */
class SimilarityTest {

    @Test
    void ranks_averageTies() {
        assertArrayEquals(
                new double[] {1, 2, 3.5, 5, 3.5},
                Correlation.ranks(new float[] {5, 6, 7, 8, 7}),
                0);
        assertArrayEquals(
                new double[] {2.5, 2.5, 2.5, 2.5}, Correlation.ranks(new float[] {1, 1, 1, 1}), 0);
        assertArrayEquals(
                new double[] {1, 2.5, 2.5},
                Correlation.ranks(new float[] {-2f, 0f, -0f}),
                0,
                "-0.0 and 0.0 tie");
    }

    @Test
    void spearman_withTies_matchesScipy() {
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic = 0.8207826816681233 (=
        // 8 / sqrt(95))
        assertEquals(
                0.8207826816681233,
                Correlation.spearman(new float[] {1, 2, 3, 4, 5}, new float[] {5, 6, 7, 8, 7}),
                1e-12);
        // ties on both sides: ranks (1.5, 1.5, 3, 4) and (1, 2.5, 2.5, 4): covariance 3.75 over
        // variances 4.5 and 4.5
        assertEquals(
                3.75 / 4.5,
                Correlation.spearman(new float[] {1, 1, 2, 3}, new float[] {1, 2, 2, 3}),
                1e-12);
        assertEquals(
                1.0,
                Correlation.spearman(new float[] {1, 2, 3, 4}, new float[] {1, 8, 27, 1000}),
                1e-12);
        assertEquals(
                -1.0,
                Correlation.spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}),
                1e-12);
        assertTrue(
                Double.isNaN(Correlation.spearman(new float[] {1, 2, 3}, new float[] {7, 7, 7})));
    }

    @Test
    void spearmanAbs_ranksMagnitudes() {
        float[] a = {-3, -1, 2};
        float[] b = {3, 1, -2};
        assertEquals(-1.0, Correlation.spearman(a, b), 1e-12);
        assertEquals(1.0, Correlation.spearmanAbs(a, b), 1e-12);
    }

    @Test
    void hog_length_followsTheCellAndBlockCounts() {
        assertEquals(36, Hog.length(16, 16));
        assertEquals((8 - 1) * (6 - 1) * 36, Hog.length(64, 48));
        assertEquals(27 * 27 * 36, Hog.length(224, 224));
        assertEquals(0, Hog.length(15, 100));
        assertEquals(27 * 27 * 36, Hog.descriptor(new float[224 * 224], 224, 224).length);
    }

    @Test
    void hog_constantImage_isZero() {
        float[] img = new float[24 * 24];
        java.util.Arrays.fill(img, 3f);
        for (double v : Hog.descriptor(img, 24, 24)) {
            assertEquals(0.0, v, 0);
        }
    }

    @Test
    void hog_verticalEdge_fillsTheHorizontalGradientBin() {
        // Columns 0..7 dark, 8..15 bright: g_col = 1 at columns 7 and 8 of every row, orientation 0
        // degrees.
        float[] img = new float[16 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 8; x < 16; x++) {
                img[y * 16 + x] = 1f;
            }
        }
        double[] d = Hog.descriptor(img, 16, 16);
        // Each cell: bin 0 = 8 / 64; the block's four equal values normalise to 0.5, survive the
        // 0.2 clip as
        // equals and normalise to 0.5 again.
        for (int cell = 0; cell < 4; cell++) {
            for (int bin = 0; bin < 9; bin++) {
                assertEquals(
                        bin == 0 ? 0.5 : 0.0,
                        d[cell * 9 + bin],
                        1e-6,
                        "cell " + cell + " bin " + bin);
            }
        }
        float[] t = new float[16 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                t[y * 16 + x] = img[x * 16 + y];
            }
        }
        double[] h = Hog.descriptor(t, 16, 16);
        assertEquals(0.5, h[4], 1e-6, "a horizontal edge: 90 degrees, bin 4 (80..100)");
        assertEquals(0.0, h[0], 0);
    }

    @Test
    void ssim_identical_isOne() {
        float[] a = new float[20 * 30];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 0.37);
        }
        assertEquals(1.0, Ssim.ssim(a, a.clone(), 20, 30, Ssim.range(a)), 1e-12);
    }

    @Test
    void ssim_constantImages_isTheLuminanceTerm() {
        float[] a = new float[121];
        float[] b = new float[121];
        java.util.Arrays.fill(a, 0.5f);
        java.util.Arrays.fill(b, 0.25f);
        double c1 = 1e-4;
        double expected =
                (2 * 0.5 * 0.25 + c1)
                        / (0.25 + 0.0625
                                + c1); // variances 0: the contrast-structure term is c2 / c2
        assertEquals(expected, Ssim.ssim(a, b, 11, 11, 1.0), 1e-12);
    }

    @Test
    void ssim_constantShift_keepsStructure_losesLuminance() {
        // A ramp over one 11 x 11 window: the symmetric Gaussian mean is the centre value 5;
        // shifting by c
        // leaves variances and covariance alone, so SSIM = (2 m (m + c) + C1) / (m^2 + (m + c)^2 +
        // C1).
        float[] a = new float[121];
        float[] b = new float[121];
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 11; x++) {
                a[y * 11 + x] = x;
                b[y * 11 + x] = x + 2f;
            }
        }
        double range = 10;
        double c1 = (0.01 * range) * (0.01 * range);
        double m = 5;
        assertEquals(
                (2 * m * (m + 2) + c1) / (m * m + (m + 2) * (m + 2) + c1),
                Ssim.ssim(a, b, 11, 11, range),
                1e-9);
        double sum = 0;
        for (int dy = 0; dy < 11; dy++) {
            for (int dx = 0; dx < 11; dx++) {
                sum += Ssim.weight(dy, dx);
            }
        }
        assertEquals(1.0, sum, 1e-12);
        assertTrue(Double.isNaN(Ssim.ssim(a, b, 11, 11, 0)));
    }
}
