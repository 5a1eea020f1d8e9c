package dev.licnn.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.experiments.blur.BlurRecord;
import dev.licnn.experiments.blur.BlurRegion;
import dev.licnn.experiments.blur.BlurReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {

    /**
     * {@code n} images of class 1 in {@code split}, right originally; the first {@code turnedWrong}
     * are wrong once the background around the top-5 region is blurred at radius 10.
     */
    private static List<BlurRecord> records(String split, int n, int turnedWrong) {
        List<BlurRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, List<Integer>> v = new HashMap<>();
            v.put("whole_image@10", List.of(0, 1));
            v.put(
                    "licnn_top5/blurred_background@10",
                    i < turnedWrong ? List.of(0, 1) : List.of(1, 0));
            v.put("licnn_top5/blurred_object@10", List.of(1, 0));
            out.add(
                    new BlurRecord(
                            split,
                            split + i + ".png",
                            1,
                            List.of(1, 0),
                            Map.of("licnn_top5", 0.5),
                            v,
                            Map.of()));
        }
        return out;
    }

    private static Verdicts.Verdict claim(List<BlurRecord> rs, String split, String startsWith) {
        BlurReport rep =
                new BlurReport(rs, List.of(split), List.of(10f), List.of(BlurRegion.LICNN_TOP5));
        return new Verdicts(rep, null, null)
                .all().stream()
                        .filter(v -> v.claim().startsWith(startsWith))
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void aDecreaseIsReproducedOnlyWhenTheTestFindsIt() {
        Verdicts.Verdict big =
                claim(
                        records("natural", 20, 10),
                        "natural",
                        "Natural images: blurring the background");
        assertEquals(Verdicts.REPRODUCED, big.verdict(), big.evidence());
        assertTrue(big.evidence().contains("b / c = 10 / 0"), big.evidence());
        Verdicts.Verdict small =
                claim(
                        records("natural", 20, 2),
                        "natural",
                        "Natural images: blurring the background");
        assertEquals(
                Verdicts.NOT_REPRODUCED, small.verdict(), "2 / 0 is p = 0.5: " + small.evidence());
    }

    @Test
    void noDecreaseOnAdversarialImages_failsOnlyOnASignificantDecrease() {
        assertEquals(
                Verdicts.REPRODUCED,
                claim(records("adversarial", 20, 2), "adversarial", "Adversarial images: blurring")
                        .verdict());
        assertEquals(
                Verdicts.NOT_REPRODUCED,
                claim(records("adversarial", 20, 10), "adversarial", "Adversarial images: blurring")
                        .verdict());
        assertEquals(
                Verdicts.NOT_REPRODUCED,
                claim(records("adversarial", 20, 0), "adversarial", "Adversarial images: top-1")
                        .verdict(),
                "no rise at all");
    }
}
