package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Lateral inhibition on tiny maps whose values are worked out by hand. */
class LateralInhibitionTest {

    private static double w(double dist, int k) {
        double d = dist / k;
        return d * Math.exp(-d);
    }

    private static float[] normalized(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(s));
        }
        return out;
    }

    @Test
    void singleSpike_centreIsInhibitedLeast_neighboursByDistanceWeights() {
        float[] m = {0, 0, 0, 0, 1, 0, 0, 0, 0};
        float[] li = new float[9];
        LateralInhibition.inhibition(m, 3, 3, 3, 0.1f, 0.9f, li);
        double avg = 0.1 * Math.exp(-1.0 / 9);
        double edge = avg + 0.9 * w(1, 3);
        double corner = avg + 0.9 * w(Math.sqrt(2), 3);
        float[] expected =
                normalized(
                        new double[] {corner, edge, corner, edge, avg, edge, corner, edge, corner});
        assertArrayEquals(expected, li, 1e-6f);
        // The reference implementation's numbers for the same case (golden/README.md).
        assertEquals(0.377490f, li[0], 1e-6f);
        assertEquals(0.324390f, li[1], 1e-6f);
        assertEquals(0.095347f, li[4], 1e-6f);
        float[] gated = new float[9];
        float[] keep = new float[9];
        assertEquals(8, LateralInhibition.gate(m, li, gated, keep));
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, gated);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, keep);
    }

    @Test
    void border_paddedZerosCountInBothTerms() {
        float[] m = new float[9];
        java.util.Arrays.fill(m, -1f / 3);
        float[] li = new float[9];
        LateralInhibition.inhibition(m, 3, 3, 3, 0.1f, 0.9f, li);
        // Corner: 4 of 9 window cells are inside (sum -4/3), 5 padded zeros each exceed M by 1/3.
        double corner =
                0.1 * Math.exp(4.0 / 27) + 0.9 * (1.0 / 3) * (2 * w(1, 3) + 3 * w(Math.sqrt(2), 3));
        double edge =
                0.1 * Math.exp(6.0 / 27) + 0.9 * (1.0 / 3) * (1 * w(1, 3) + 2 * w(Math.sqrt(2), 3));
        double centre = 0.1 * Math.exp(9.0 / 27);
        float[] expected =
                normalized(
                        new double[] {
                            corner, edge, corner, edge, centre, edge, corner, edge, corner
                        });
        assertArrayEquals(expected, li, 1e-6f);
    }

    @Test
    void ties_equalNeighboursDoNotInhibit() {
        float[] m = new float[25];
        java.util.Arrays.fill(m, 0.2f);
        float[] li = new float[25];
        LateralInhibition.inhibition(m, 5, 5, 3, 0f, 1f, li);
        // Interior cells see only equal neighbours: the differential term is exactly 0 there.
        for (int y = 1; y < 4; y++) {
            for (int x = 1; x < 4; x++) {
                assertEquals(0f, li[y * 5 + x], "interior " + y + "," + x);
            }
        }
        // Border cells: padded zeros are below M, so they do not inhibit either.
        for (float v : li) {
            assertEquals(0f, v);
        }
    }

    @Test
    void allZeroGradients_noNaN_everythingSuppressed() {
        float[] m = new float[16];
        LateralInhibition.l2NormalizeInPlace(m);
        float[] li = new float[16];
        LateralInhibition.inhibition(m, 4, 4, 7, 0.1f, 0.9f, li);
        for (float v : li) {
            assertFalse(Float.isNaN(v));
            assertEquals(0.25f, v, 1e-6f); // a*exp(0) everywhere, normalised
        }
        float[] gated = new float[16];
        assertEquals(16, LateralInhibition.gate(m, li, gated, null));
    }

    @Test
    void lizOfOne_leavesOnlyTheAverageTerm() {
        float[] m = {0.6f, 0.8f};
        float[] li = new float[2];
        LateralInhibition.inhibition(m, 1, 2, 1, 0.1f, 0.9f, li);
        float[] expected = normalized(new double[] {0.1 * Math.exp(-0.6), 0.1 * Math.exp(-0.8)});
        assertArrayEquals(expected, li, 1e-6f);
        assertTrue(li[0] > li[1]);
    }

    @Test
    void nearestSource_matchesPyTorchForIntegerAndOddFactors() {
        assertEquals(0, AttentionMaps.nearestSource(1, 14, 28));
        assertEquals(13, AttentionMaps.nearestSource(27, 14, 28));
        assertEquals(2, AttentionMaps.nearestSource(5, 3, 7)); // floor(5 * 3/7) = 2
    }

    @Test
    void l2Normalize_unitNormAndHugeValuesStayFinite() {
        float[] v = {3f, 4f, 0f, 0f, 0f};
        LateralInhibition.l2NormalizeInPlace(v);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new float[] {0.6f, 0.8f, 0f, 0f, 0f}, v, 1e-7f);
        // the norm of these exceeds Float.MAX_VALUE: still divided, still finite
        float[] big = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        LateralInhibition.l2NormalizeInPlace(big);
        for (float x : big) {
            org.junit.jupiter.api.Assertions.assertEquals(0.5f, x, 1e-6f);
        }
        float[] zero = new float[7];
        LateralInhibition.l2NormalizeInPlace(zero);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[7], zero, 0f);
    }

    @Test
    void keep_isTheComparisonForEveryKindOfValue() {
        float[] finite = {
            0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-38f, -1e-38f, 0.5f, 0.50000006f
        };
        float[] nonFinite = {
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN
        };
        // every pair of the finite values (the bit test), then with the non-finite ones too
        // (compared value by value)
        assertKeepIsComparison(pairs(finite));
        float[] all = java.util.Arrays.copyOf(finite, finite.length + nonFinite.length);
        System.arraycopy(nonFinite, 0, all, finite.length, nonFinite.length);
        assertKeepIsComparison(pairs(all));
        java.util.Random rnd = new java.util.Random(5);
        float[][] r = new float[2][1000];
        for (int j = 0; j < 1000; j++) {
            r[0][j] = j % 7 == 0 ? 0f : (float) rnd.nextGaussian();
            r[1][j] = j % 5 == 0 ? r[0][j] : j % 11 == 0 ? -0f : (float) rnd.nextGaussian();
        }
        assertKeepIsComparison(r);
    }

    private static float[][] pairs(float[] v) {
        float[][] out = new float[2][v.length * v.length];
        int i = 0;
        for (float a : v) {
            for (float b : v) {
                out[0][i] = a;
                out[1][i++] = b;
            }
        }
        return out;
    }

    private static void assertKeepIsComparison(float[][] mli) {
        float[] m = mli[0];
        float[] li = mli[1];
        float[] keep = new float[m.length + 3];
        LateralInhibition.keep(m, li, keep, 3);
        for (int j = 0; j < m.length; j++) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    m[j] > li[j] ? 1f : 0f, keep[j + 3], m[j] + " > " + li[j]);
        }
    }
}
