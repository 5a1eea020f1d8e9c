package dev.licnn.experiments.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Localisation measures on hand-made maps with known answers. */
class LocalisationTest {

    /** A 10x10 mask with the 4x4 square at rows 2..5, cols 3..6. */
    static boolean[] square() {
        boolean[] m = new boolean[100];
        for (int y = 2; y < 6; y++) {
            for (int x = 3; x < 7; x++) {
                m[y * 10 + x] = true;
            }
        }
        return m;
    }

    @Test
    void perfectMap_scoresPerfectly() {
        boolean[] mask = square();
        float[] map = new float[100];
        for (int i = 0; i < 100; i++) {
            map[i] = mask[i] ? 1f : 0f;
        }
        Localisation.Scores s = Localisation.score(map, mask, 10, 10);
        assertTrue(s.pointingHit());
        assertEquals(1.0, s.energy(), 1e-12);
        assertEquals(1.0, s.iou(), 1e-12);
        assertEquals(1.0, s.auc(), 1e-12);
    }

    @Test
    void pointingGame_usesTheToleranceInPixels() {
        boolean[] mask = new boolean[100 * 100];
        mask[50 * 100 + 50] = true;
        float[] map = new float[100 * 100];
        map[50 * 100 + 65] = 1f; // 15 px away: a hit
        assertTrue(Localisation.pointingHit(map, mask, 100, 100, 15));
        map[50 * 100 + 65] = 0f;
        map[61 * 100 + 61] = 1f; // sqrt(242) = 15.56 px away: a miss
        assertFalse(Localisation.pointingHit(map, mask, 100, 100, 15));
    }

    @Test
    void energy_isTheShareOfPositiveMassInside() {
        boolean[] mask = {true, false, false, false};
        float[] map = {3f, 1f, -5f, 0f};
        assertEquals(0.75, Localisation.energyInside(map, mask), 1e-12);
    }

    @Test
    void iou_usesThePapersThreshold_onTheMapItself() {
        // min 1, max 6: t = 1.0, so values > 1 are object (the code does not add min).
        float[] map = {1f, 1.5f, 6f, 1f};
        boolean[] mask = {false, false, true, true};
        assertEquals(1.0f, Localisation.threshold(map));
        // object = {1, 2}; mask = {2, 3}: inter 1, union 3
        assertEquals(1.0 / 3, Localisation.iou(map, mask), 1e-12);
    }

    @Test
    void auc_handlesTies_andReversedMaps() {
        boolean[] mask = {true, true, false, false};
        assertEquals(0.5, Localisation.aucRoc(new float[] {1, 1, 1, 1}, mask), 1e-12);
        assertEquals(0.0, Localisation.aucRoc(new float[] {0, 0, 1, 1}, mask), 1e-12);
        // positives 3 and 1, negatives 2 and 0: pairs (3>2, 3>0, 1<2, 1>0) = 3 of 4
        assertEquals(0.75, Localisation.aucRoc(new float[] {3, 1, 2, 0}, mask), 1e-12);
        assertTrue(
                Double.isNaN(Localisation.aucRoc(new float[] {1, 2}, new boolean[] {true, true})));
    }
}
