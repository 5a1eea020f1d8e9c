package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against an independent PyTorch implementation of the spec on a narrow VGG-16 with
 * fixed weights and images.
 */
class LicnnGoldenTest {

    private static GoldenFixtures fx;
    private static LicnnEngine engine;

    @BeforeAll
    static void load() {
        fx = new GoldenFixtures();
        engine = new LicnnEngine(fx.network);
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    /** Records every map a job hands to its listener. */
    static final class Recorder implements ExplainListener {
        final Map<String, float[]> layerMaps = new HashMap<>();
        final List<String> order = new ArrayList<>();

        @Override
        public void onPrediction(Prediction p) {
            order.add("prediction");
        }

        @Override
        public void onLayerMap(int rank, int classId, int layer, MapKind kind, FloatMap map) {
            layerMaps.put(kind + ".r" + rank + ".l" + layer, map.data());
            order.add("layer.r" + rank);
        }

        @Override
        public void onAttention(ClassAttention a) {
            order.add("attention.r" + a.rank());
        }

        @Override
        public void onSaliency(int[] ids, FloatMap s) {
            order.add("saliency");
        }
    }

    private static ExplainJob job(int img, LicnnOptions opts, Recorder rec) {
        return ExplainJob.builder()
                .setInput(fx.floats("img" + img + ".input"), 224, 224)
                .optTopK(5)
                .optOptions(opts)
                .optMapKinds(rec == null ? EnumSet.noneOf(MapKind.class) : EnumSet.allOf(MapKind.class))
                .optListener(rec == null ? ExplainListener.NONE : rec)
                .build();
    }

    private static void assertMatches(String prefix, ExplainResult r, Recorder rec) {
        assertArrayEquals(fx.ints(prefix + ".topk"), r.prediction().targets(), prefix + " top-5");
        float[] logits = fx.floats(prefix + ".logits");
        assertTrue(GoldenFixtures.relL2(r.prediction().logits(), logits) < 1e-5, prefix + " logits");
        float[] att = fx.floats(prefix + ".attention");
        float[] after = fx.floats(prefix + ".logits_after");
        int hw = 224 * 224;
        for (int rank = 0; rank < 5; rank++) {
            float[] expected = java.util.Arrays.copyOfRange(att, rank * hw, (rank + 1) * hw);
            ClassAttention ca = r.classes().get(rank);
            double err = GoldenFixtures.relL2(ca.attention().data(), expected);
            assertTrue(err < 1e-2, prefix + " attention rank " + rank + " rel L2 " + err);
            float[] la = java.util.Arrays.copyOfRange(after, rank * 10, (rank + 1) * 10);
            double lerr = GoldenFixtures.relL2(ca.logitsAfter(), la);
            assertTrue(lerr < 1e-2, prefix + " logits after inhibition, rank " + rank + ": " + lerr);
        }
        double serr = GoldenFixtures.relL2(r.saliency().data(), fx.floats(prefix + ".saliency"));
        assertTrue(serr < 1e-2, prefix + " saliency rel L2 " + serr);
    }

    @Test
    void defaultOptions_threeImagesInOneBatch_matchReference() {
        Recorder rec = new Recorder();
        List<ExplainJob> jobs = List.of(job(0, LicnnOptions.defaults(), rec),
                job(1, LicnnOptions.defaults(), null), job(2, LicnnOptions.defaults(), null));
        List<LicnnEngine.Outcome> out = engine.explainAll(jobs);
        for (int i = 0; i < 3; i++) {
            assertNull(out.get(i).error(), "image " + i + " failed");
            assertMatches("img" + i + ".default", out.get(i).result(), i == 0 ? rec : null);
        }
        // Suppression masks: >= 99.9% of locations agree over all ranks and layers.
        long total = 0;
        long disagree = 0;
        boolean[] rankAllAgree = new boolean[5];
        for (int rank = 0; rank < 5; rank++) {
            rankAllAgree[rank] = true;
            for (int l = 0; l < 13; l++) {
                float[] expected = fx.floats("img0.default.mask.r" + rank + ".l" + l);
                float[] got = rec.layerMaps.get("SUPPRESSION_MASK.r" + rank + ".l" + l);
                for (int p = 0; p < expected.length; p++) {
                    total++;
                    if ((expected[p] == 0) != (got[p] == 0)) {
                        disagree++;
                        rankAllAgree[rank] = false;
                    }
                }
            }
        }
        System.out.printf("golden img0: %d of %d mask locations disagree; classes with identical masks: %s%n",
                disagree, total, java.util.Arrays.toString(rankAllAgree));
        assertTrue(disagree <= total / 1000, disagree + " of " + total + " mask locations disagree");
        // Where every mask of a class agrees, its attention map is within 1e-4.
        float[] att = fx.floats("img0.default.attention");
        ExplainResult r0 = out.get(0).result();
        int checked = 0;
        for (int rank = 0; rank < 5; rank++) {
            if (rankAllAgree[rank]) {
                checked++;
                float[] expected = java.util.Arrays.copyOfRange(att, rank * 224 * 224, (rank + 1) * 224 * 224);
                double err = GoldenFixtures.relL2(r0.classes().get(rank).attention().data(), expected);
                System.out.printf("golden img0 rank %d attention rel L2 %.2e%n", rank, err);
                assertTrue(err < 1e-4, "rank " + rank + " with identical masks: rel L2 " + err);
            }
        }
        assertTrue(checked > 0, "no class had identical masks: the test checks nothing at 1e-4");
        // Rank-0 intermediates.
        String[][] kinds = {{"GRADIENT_MAX_C", "gradmax"}, {"INHIBITION", "inhibition"},
            {"RESPONSE_BEFORE", "before"}, {"RESPONSE_AFTER", "after"}};
        for (String[] k : kinds) {
            for (int l = 0; l < 13; l++) {
                float[] expected = fx.floats("img0.default." + k[1] + ".r0.l" + l);
                float[] got = rec.layerMaps.get(k[0] + ".r0.l" + l);
                double err = GoldenFixtures.relL2(got, expected);
                double tol = rankAllAgree[0] ? 1e-4 : 1e-2;
                assertTrue(err < tol, k[0] + " layer " + l + " rel L2 " + err);
            }
        }
    }

    @Test
    void options_matchReference() {
        Map<String, LicnnOptions> variants = Map.of(
                "logit", LicnnOptions.builder().optScoreMode(ScoreMode.BEFORE_SOFTMAX).build(),
                "inhibit_last", LicnnOptions.builder().optInhibitLastRelu(true).build(),
                "per_layer_norm", LicnnOptions.builder().optPerLayerNormalization(true).build(),
                "liz5", LicnnOptions.builder().optLizSize(5).optA(0.2f).optB(0.8f).build());
        List<String> names = new ArrayList<>(variants.keySet());
        List<ExplainJob> jobs = new ArrayList<>();
        for (String v : names) {
            jobs.add(job(0, variants.get(v), null));
        }
        // Mixed options in one batch: each job keeps its own.
        List<LicnnEngine.Outcome> out = engine.explainAll(jobs);
        for (int i = 0; i < names.size(); i++) {
            assertNull(out.get(i).error());
            assertMatches("img0." + names.get(i), out.get(i).result(), null);
        }
    }

    @Test
    void events_arriveClassByClass() {
        Recorder rec = new Recorder();
        engine.explain(job(1, LicnnOptions.defaults(), rec));
        assertEquals("prediction", rec.order.get(0));
        assertEquals("saliency", rec.order.get(rec.order.size() - 1));
        int rank = 0;
        for (String e : rec.order.subList(1, rec.order.size() - 1)) {
            int r = Integer.parseInt(e.substring(e.indexOf(".r") + 2));
            assertTrue(r == rank || r == rank + 1 && e.startsWith("layer"), "out of order: " + rec.order);
            if (e.startsWith("attention")) {
                rank++;
            } else if (r == rank + 1) {
                throw new AssertionError("layer map of rank " + r + " before attention of rank " + rank);
            }
        }
        assertEquals(5, rank);
    }
}
