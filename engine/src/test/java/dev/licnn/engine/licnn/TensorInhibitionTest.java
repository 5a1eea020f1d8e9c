package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.GoldenTolerances;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tensor path of lateral inhibition against the Java path ({@link LateralInhibition}), map by
 * map. The two sum in different orders, so they agree to float rounding: M and LI within relative
 * L2 1e-6, and the masks identical except at near-ties, locations where {@code |M - LI|} is below
 * 1e-5 of their size (rounding can put either side first there).
 */
class TensorInhibitionTest {

    /** Relative gap under which a gate decision is a near-tie that rounding may flip. */
    static final double NEAR_TIE = 1e-5;

    @Test
    void stackOfMaps_matchesJavaPath_perMap() {
        Random rnd = new Random(11);
        int[][] sizes = {{224, 224}, {56, 56}, {14, 14}, {9, 13}};
        for (int[] hw : sizes) {
            int h = hw[0];
            int w = hw[1];
            int[] liz = {7, 7, 5, 3};
            float[] a = {0.1f, 0.2f, 0.1f, 0.3f};
            float[] b = {0.9f, 0.9f, 0.5f, 0.7f};
            check(rnd, h, w, liz, a, b);
            check(
                    rnd,
                    h,
                    w,
                    new int[] {7, 7, 7},
                    new float[] {0.1f, 0.1f, 0.1f},
                    new float[] {0.9f, 0.9f, 0.9f});
        }
    }

    @Test
    void zeroMap_isLeftUnscaledAndSuppressedAsInJava() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray maxC = m.zeros(new Shape(1, 1, 8, 8));
            try (TensorInhibition.Gates g =
                    TensorInhibition.apply(
                            maxC, new int[] {7}, new float[] {0.1f}, new float[] {0.9f})) {
                float[] li = new float[64];
                LateralInhibition.inhibition(new float[64], 8, 8, 7, 0.1f, 0.9f, li);
                assertTrue(GoldenTolerances.relL2(g.li().toFloatArray(), li) <= 1e-6);
                assertEquals(0f, max(g.keep().toFloatArray()), "an all-zero map keeps nothing");
                assertEquals(0f, max(g.m().toFloatArray()));
            }
        }
    }

    @Test
    void evenLiz_isRejected() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray maxC = m.ones(new Shape(1, 1, 8, 8));
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            TensorInhibition.apply(
                                    maxC, new int[] {4}, new float[] {0.1f}, new float[] {0.9f}));
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            TensorInhibition.apply(
                                    maxC,
                                    new int[] {7, 7},
                                    new float[] {0.1f},
                                    new float[] {0.9f}));
        }
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static void check(Random rnd, int h, int w, int[] liz, float[] a, float[] b) {
        int k = liz.length;
        int hw = h * w;
        float[] all = new float[k * hw];
        for (int i = 0; i < all.length; i++) {
            // Gradient-like: mostly small, some zeros, both signs.
            all[i] =
                    rnd.nextInt(5) == 0
                            ? 0f
                            : (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray maxC = m.create(all, new Shape(k, 1, h, w));
            try (TensorInhibition.Gates g = TensorInhibition.apply(maxC, liz, a, b)) {
                float[] tm = g.m().toFloatArray();
                float[] tli = g.li().toFloatArray();
                float[] tkeep = g.keep().toFloatArray();
                int nearTies = 0;
                for (int r = 0; r < k; r++) {
                    float[] jm = Arrays.copyOfRange(all, r * hw, (r + 1) * hw);
                    LateralInhibition.l2NormalizeInPlace(jm);
                    float[] jli = new float[hw];
                    LateralInhibition.inhibition(jm, h, w, liz[r], a[r], b[r], jli);
                    float[] jkeep = new float[hw];
                    LateralInhibition.gate(jm, jli, new float[hw], jkeep);
                    String where = h + "x" + w + " map " + r + " LIZ " + liz[r];
                    double em =
                            GoldenTolerances.relL2(
                                    Arrays.copyOfRange(tm, r * hw, (r + 1) * hw), jm);
                    double eli =
                            GoldenTolerances.relL2(
                                    Arrays.copyOfRange(tli, r * hw, (r + 1) * hw), jli);
                    assertTrue(em <= 1e-6, where + ": M rel L2 " + em);
                    assertTrue(eli <= 1e-6, where + ": LI rel L2 " + eli);
                    for (int i = 0; i < hw; i++) {
                        if (tkeep[r * hw + i] != jkeep[i]) {
                            double gap = Math.abs(jm[i] - jli[i]);
                            double scale = Math.max(Math.abs(jm[i]), Math.abs(jli[i]));
                            assertTrue(
                                    gap <= NEAR_TIE * scale,
                                    where
                                            + ": masks differ at "
                                            + i
                                            + " where M "
                                            + jm[i]
                                            + " and LI "
                                            + jli[i]
                                            + " are not a near-tie");
                            nearTies++;
                        }
                    }
                }
                assertTrue(
                        nearTies <= k * hw / 10_000 + 1,
                        nearTies + " mask flips in " + k * hw + " locations");
            }
        }
    }
}
