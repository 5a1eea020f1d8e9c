package dev.licnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void toString_withoutOwnBackgroundImages_printsDashNotNaN() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
        try {
            String s = new Evaluation(4, 3, 0, 0, new int[][] {{3, 1}, {0, 0}}).toString();
            assertFalse(s.contains("NaN"), s);
            assertTrue(s.contains("own background - (0)"), s);
            assertTrue(s.contains("other background 75.00% (4)"), s);
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void percent_ofAShare() {
        assertEquals("-", Evaluation.percent(Double.NaN));
        assertEquals(String.format("%.2f%%", 12.5), Evaluation.percent(0.125));
    }
}
