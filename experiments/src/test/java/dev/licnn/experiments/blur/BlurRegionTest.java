package dev.licnn.experiments.blur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlurRegionTest {

    @Test
    void randomRegion_hasExactlyTheAreaAsked_andIsSeeded() {
        for (int area : new int[] {0, 1, 17, 500, 2000, 3000, 64 * 48}) {
            for (long seed = 0; seed < 5; seed++) {
                assertEquals(
                        area,
                        BlurRegion.area(BlurRegion.randomRegion(area, 48, 64, seed)),
                        "area " + area + " seed " + seed);
            }
        }
        assertArrayEquals(
                BlurRegion.randomRegion(700, 48, 64, 3), BlurRegion.randomRegion(700, 48, 64, 3));
        assertFalse(
                Arrays.equals(
                        BlurRegion.randomRegion(700, 48, 64, 3),
                        BlurRegion.randomRegion(700, 48, 64, 4)));
        assertThrows(
                IllegalArgumentException.class,
                () -> BlurRegion.randomRegion(48 * 64 + 1, 48, 64, 1));
    }

    @Test
    void randomRegion_isOneCompactBlock() {
        boolean[] r = BlurRegion.randomRegion(300, 48, 64, 9);
        int minX = 64;
        int maxX = -1;
        int minY = 48;
        int maxY = -1;
        for (int i = 0; i < r.length; i++) {
            if (r[i]) {
                minX = Math.min(minX, i % 64);
                maxX = Math.max(maxX, i % 64);
                minY = Math.min(minY, i / 64);
                maxY = Math.max(maxY, i / 64);
            }
        }
        int box = (maxX - minX + 1) * (maxY - minY + 1);
        assertTrue(
                box < 300 + (maxX - minX + 1),
                "a rectangle with at most one partial row, got a " + box + "-pixel box");
    }

    @Test
    void report_countsRightAndWrongPerVariant_andTestsAgainstTheOriginal() {
        // two images of class 1: both right originally; blurring the background around LICNN's
        // region turns one wrong
        BlurRecord a =
                new BlurRecord(
                        "s",
                        "a.png",
                        1,
                        List.of(1, 0),
                        Map.of("licnn_top1", 0.25),
                        Map.of(
                                "licnn_top1/blurred_background@5",
                                List.of(0, 1),
                                "licnn_top1/blurred_object@5",
                                List.of(1, 0),
                                "whole_image@5",
                                List.of(0, 2)),
                        Map.of());
        BlurRecord b =
                new BlurRecord(
                        "s",
                        "b.png",
                        1,
                        List.of(1, 0),
                        Map.of("licnn_top1", 0.75),
                        Map.of(
                                "licnn_top1/blurred_background@5",
                                List.of(1, 0),
                                "licnn_top1/blurred_object@5",
                                List.of(1, 0),
                                "whole_image@5",
                                List.of(0, 2)),
                        Map.of());
        BlurReport rep =
                new BlurReport(
                        List.of(a, b), List.of("s"), List.of(5f), List.of(BlurRegion.LICNN_TOP1));
        List<BlurReport.Row> rows = rep.accuracy();
        BlurReport.Row bg = BlurReport.find(rows, "s", "licnn_top1", "blurred_background", "5");
        assertEquals(1, bg.top1());
        assertEquals(2, bg.top2());
        assertEquals(0.5, bg.coverage(), 1e-12);
        assertEquals(1, bg.vsOriginal().onlyFirst());
        assertEquals(0, bg.vsOriginal().onlySecond());
        BlurReport.Row whole = BlurReport.find(rows, "s", "whole_image", "-", "5");
        assertEquals(0, whole.top1());
        assertEquals(0, whole.top2());
        assertEquals(2, whole.vsOriginal().onlyFirst());
        assertEquals(0.5, whole.vsOriginal().exactP(), 1e-12);
        assertEquals(1, rep.flips(BlurRegion.LICNN_TOP1).size());
        assertTrue(a.covers(List.of(5f), List.of(BlurRegion.LICNN_TOP1)));
        assertFalse(a.covers(List.of(5f), List.of(BlurRegion.GROUND_TRUTH)));
    }
}
