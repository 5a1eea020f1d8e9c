package dev.licnn.experiments.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The statistics against values worked out by hand (binomial sums, the Wilson formula). */
class StatsTest {

    @Test
    void wilson_matchesTheFormula() {
        // p = 0.8, z^2 = 3.8415: centre (0.8 + 0.19207) / 1.38415, half-width 1.41602 * sqrt(0.016
        // + 0.0096036)
        Stats.Interval i = Stats.wilson(8, 10);
        assertEquals(0.8, i.estimate(), 1e-12);
        assertEquals(0.490162, i.low(), 1e-6);
        assertEquals(0.943318, i.high(), 1e-6);
        Stats.Interval none = Stats.wilson(0, 10);
        assertEquals(0, none.low(), 1e-12);
        assertEquals(0.277533, none.high(), 1e-6);
        Stats.Interval big = Stats.wilson(83, 100);
        assertEquals(0.744520, big.low(), 1e-6);
        assertEquals(0.891064, big.high(), 1e-6);
        assertTrue(Double.isNaN(Stats.wilson(0, 0).estimate()));
        assertThrows(IllegalArgumentException.class, () -> Stats.wilson(3, 2));
    }

    @Test
    void mcnemarExact_isTwiceTheSmallerBinomialTail() {
        assertEquals(0.25, Stats.mcnemarExact(0, 3), 1e-12); // 2 * (1/2)^3
        assertEquals(2.0 * (1 + 26 + 325 + 2600) / (1 << 26), Stats.mcnemarExact(3, 23), 1e-15);
        assertEquals(Stats.mcnemarExact(3, 23), Stats.mcnemarExact(23, 3), 0);
        assertEquals(0.690038, Stats.mcnemarExact(14, 11), 1e-6);
        assertEquals(0.442068, Stats.mcnemarExact(16, 11), 1e-6);
        assertEquals(1, Stats.mcnemarExact(5, 5), 0, "capped at 1");
        assertEquals(1, Stats.mcnemarExact(0, 0), 0, "no discordant pair: no evidence");
    }

    @Test
    void mcnemar_countsDiscordantPairs_andTheContinuityCorrectedStatistic() {
        boolean[] a = new boolean[20];
        boolean[] b = new boolean[20];
        for (int i = 0; i < 10; i++) {
            a[i] = true; // right under the first condition only: 10
        }
        b[10] = true;
        b[11] = true; // right under the second only: 2
        a[12] = true;
        b[12] = true; // right under both: not counted
        Stats.McNemar m = Stats.mcnemar(a, b);
        assertEquals(20, m.n());
        assertEquals(10, m.onlyFirst());
        assertEquals(2, m.onlySecond());
        assertEquals(49.0 / 12, m.chiSquare(), 1e-12); // (|10 - 2| - 1)^2 / 12
        assertEquals(0.0433081, m.chiSquareP(), 1e-6);
        assertEquals(2.0 * (1 + 12 + 66) / 4096, m.exactP(), 1e-12);
    }

    @Test
    void chiSquareP_ofOneDegreeOfFreedom() {
        assertEquals(0.05, Stats.chiSquare1P(3.841459), 1e-6);
        assertEquals(1, Stats.chiSquare1P(0), 0);
    }

    @Test
    void signTest_dropsTies() {
        double[] s = Stats.signTest(new double[] {1, 2, 3, 4, 5}, new double[] {0, 0, 3, 9, 0});
        assertEquals(3, s[0]);
        assertEquals(1, s[1]);
        assertEquals(2.0 * (1 + 4) / 16, s[2], 1e-12);
    }

    @Test
    void meanSdMedian() {
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5, Stats.mean(v), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), Stats.sd(v), 1e-12);
        assertEquals(4.5, Stats.median(v), 1e-12);
        assertEquals(
                3,
                Stats.mean(new double[] {3, Double.NaN}),
                1e-12,
                "non-finite values are left out");
    }

    @Test
    void bootstrap_isReproducibleWithASeed_andBracketsTheMean() {
        double[] v = new double[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 11) / 10.0;
        }
        Stats.Interval a = Stats.bootstrapMean(v, 2000, 42);
        Stats.Interval b = Stats.bootstrapMean(v, 2000, 42);
        assertEquals(a, b, "same seed, same interval");
        assertNotEquals(a, Stats.bootstrapMean(v, 2000, 43));
        assertEquals(Stats.mean(v), a.estimate(), 1e-12);
        assertTrue(a.low() < a.estimate() && a.estimate() < a.high(), a.toString());
        // the standard error of the mean is sd / sqrt(n); the 95% interval is about +-1.96 of it
        double se = Stats.sd(v) / Math.sqrt(v.length);
        assertEquals(2 * 1.96 * se, a.high() - a.low(), 0.25 * 2 * 1.96 * se);
        Stats.Interval constant = Stats.bootstrapMean(new double[] {0.3, 0.3, 0.3}, 100, 1);
        assertEquals(0.3, constant.low(), 1e-12);
        assertEquals(0.3, constant.high(), 1e-12);
    }

    @Test
    void bootstrapPairedDifference_usesThePairing() {
        double[] a = new double[40];
        double[] b = new double[40];
        for (int i = 0; i < 40; i++) {
            a[i] = i; // widely spread ...
            b[i] = i - 1; // ... but every pair differs by exactly 1
        }
        Stats.Interval d = Stats.bootstrapPairedDifference(a, b, 500, 7);
        assertEquals(1, d.estimate(), 1e-12);
        assertEquals(1, d.low(), 1e-12);
        assertEquals(1, d.high(), 1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () -> Stats.bootstrapPairedDifference(a, new double[3], 10, 1));
    }
}
