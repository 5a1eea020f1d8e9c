package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.Outcome;

import dev.licnn.engine.explain.ScoreMode;

import dev.licnn.engine.explain.MapKind;

import dev.licnn.engine.explain.FloatMap;

import dev.licnn.engine.explain.ClassAttention;

import dev.licnn.engine.explain.ExplainResult;

import dev.licnn.engine.explain.MapListener;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tensor gates ({@link EngineConfig}), per-class and batched, against the golden fixtures and
 * against the Java gates run class by class: the same top-5, the same suppression masks
 * except at near-ties, and the same attention maps within relative L2 1e-6 for every class whose
 * masks agree.
 */
class EngineSettingsGoldenTest {

    private static GoldenFixtures fx;
    private static final List<EngineConfig> SETTINGS = List.of(
            EngineConfig.parse("java,per-class", Device.cpu()),
            EngineConfig.parse("java,batch", Device.cpu()),
            EngineConfig.parse("tensor,per-class", Device.cpu()),
            EngineConfig.parse("tensor,batch", Device.cpu()));

    @BeforeAll
    static void load() {
        fx = new GoldenFixtures();
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    /** Every layer map and attention map of a job, by "kind.rank.layer". */
    static final class Maps implements MapListener {
        final Map<String, float[]> maps = new HashMap<>();
        final List<Integer> attentionRanks = new ArrayList<>();

        @Override
        public void onLayerMap(int rank, int classId, int layer, MapKind kind, FloatMap map) {
            maps.put(kind + "." + rank + "." + layer, map.data());
        }

        @Override
        public void onAttention(ClassAttention a) {
            attentionRanks.add(a.rank());
        }
    }

    private static List<Outcome> run(EngineConfig c, List<Maps> listeners, LicnnOptions opts, int images) {
        LicnnEngine engine = new LicnnEngine(fx.network, c);
        List<ExplainJob> jobs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            Maps m = new Maps();
            listeners.add(m);
            jobs.add(ExplainJob.builder().setInput(fx.floats("img" + i + ".input"), 224, 224).optTopK(5)
                    .optOptions(opts).optMapKinds(EnumSet.allOf(MapKind.class)).optListener(m).build());
        }
        return engine.explainAll(jobs);
    }

    @Test
    void everySetting_matchesGoldenAndJavaPerClass() {
        for (boolean defaults : new boolean[] {true, false}) {
            LicnnOptions opts = defaults ? LicnnOptions.defaults()
                    : LicnnOptions.builder().optInhibitLastRelu(true).optPerLayerNormalization(true).build();
            List<Maps> refMaps = new ArrayList<>();
            int images = defaults ? 3 : 2;
            List<Outcome> ref = run(SETTINGS.get(0), refMaps, opts, images);
            // java,batch (the CPU default) meets the fixtures in LicnnGoldenTest; here the tensor gates.
            for (EngineConfig c : defaults ? SETTINGS.subList(2, 4) : SETTINGS.subList(3, 4)) {
                List<Maps> maps = new ArrayList<>();
                List<Outcome> out = run(c, maps, opts, images);
                for (int i = 0; i < images; i++) {
                    String where = c + " image " + i + (defaults ? " defaults" : " inhibit-last, per-layer");
                    assertNull(out.get(i).error(), where);
                    ExplainResult r = out.get(i).result();
                    ExplainResult r0 = ref.get(i).result();
                    assertArrayEquals(r0.prediction().targets(), r.prediction().targets(), where);
                    if (defaults) {
                        assertArrayEquals(fx.ints("img" + i + ".default.topk"), r.prediction().targets(), where);
                        double s = GoldenFixtures.relL2(r.saliency().data(), fx.floats("img" + i + ".default.saliency"));
                        assertTrue(s < 1e-4, where + " saliency vs golden " + s);
                    }
                    assertEquals(List.of(0, 1, 2, 3, 4), maps.get(i).attentionRanks, where + ": class order");
                    for (int rank = 0; rank < 5; rank++) {
                        boolean masksAgree = true;
                        for (int l = 0; l < fx.network.spec().featureReluCount(); l++) {
                            String key = "." + rank + "." + l;
                            float[] m0 = refMaps.get(i).maps.get(MapKind.SUPPRESSION_MASK + key);
                            float[] m1 = maps.get(i).maps.get(MapKind.SUPPRESSION_MASK + key);
                            float[] g0 = refMaps.get(i).maps.get(MapKind.GRADIENT_MAX_C + key);
                            float[] li0 = refMaps.get(i).maps.get(MapKind.INHIBITION + key);
                            for (MapKind k : List.of(MapKind.GRADIENT_MAX_C, MapKind.INHIBITION, MapKind.RESPONSE_BEFORE)) {
                                double e = GoldenFixtures.relL2(maps.get(i).maps.get(k + key), refMaps.get(i).maps.get(k + key));
                                assertTrue(e <= 1e-6, where + " " + k + key + " rel L2 " + e);
                            }
                            for (int p = 0; p < m0.length; p++) {
                                if ((m0[p] == 0) != (m1[p] == 0)) {
                                    masksAgree = false;
                                    double gap = Math.abs(g0[p] - li0[p]);
                                    double scale = Math.max(Math.abs(g0[p]), Math.abs(li0[p]));
                                    assertTrue(gap <= TensorInhibitionTest.NEAR_TIE * scale,
                                            where + " mask" + key + " differs at " + p + ", not a near-tie");
                                }
                            }
                        }
                        if (masksAgree) {
                            double e = GoldenFixtures.relL2(r.classes().get(rank).attention().data(),
                                    r0.classes().get(rank).attention().data());
                            assertTrue(e <= 1e-6, where + " attention rank " + rank + " rel L2 " + e);
                            for (int l = 0; l < fx.network.spec().featureReluCount(); l++) {
                                String key = MapKind.RESPONSE_AFTER + "." + rank + "." + l;
                                double ea = GoldenFixtures.relL2(maps.get(i).maps.get(key), refMaps.get(i).maps.get(key));
                                assertTrue(ea <= 1e-6, where + " " + key + " rel L2 " + ea);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void mixedOptionsInOneBatch_matchEachJobAlone() {
        LicnnOptions[] opts = {
            LicnnOptions.defaults(),
            LicnnOptions.builder().optLizSize(5).optA(0.2f).optInhibitLastRelu(true).build(),
            LicnnOptions.builder().optPerLayerNormalization(true).optScoreMode(ScoreMode.BEFORE_SOFTMAX).build()};
        LicnnEngine alone = new LicnnEngine(fx.network, SETTINGS.get(0));
        for (EngineConfig c : List.of(SETTINGS.get(3))) {
            List<ExplainJob> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(ExplainJob.builder().setInput(fx.floats("img" + i + ".input"), 224, 224).optTopK(2 + i)
                        .optOptions(opts[i]).build());
            }
            List<Outcome> out = new LicnnEngine(fx.network, c).explainAll(jobs);
            for (int i = 0; i < 3; i++) {
                ExplainResult r = out.get(i).result();
                ExplainResult r0 = alone.explain(jobs.get(i));
                assertEquals(2 + i, r.classes().size(), c + " job " + i);
                assertArrayEquals(r0.prediction().targets(), r.prediction().targets());
                for (int rank = 0; rank < r.classes().size(); rank++) {
                    double e = GoldenFixtures.relL2(r.classes().get(rank).attention().data(),
                            r0.classes().get(rank).attention().data());
                    assertTrue(e <= 1e-4, c + " job " + i + " rank " + rank + " attention rel L2 " + e);
                }
            }
        }
    }
}
