package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.ResNetFixture;
import dev.licnn.engine.baseline.BaselineEngine;
import dev.licnn.engine.baseline.BaselineJob;
import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.engine.baseline.Method;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Ranking;
import dev.licnn.engine.model.FeatureLayer;
import dev.licnn.engine.model.ResNetNetwork;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LICNN and the baselines on a ResNet, through the same engines as VGG: every feature ReLU call is
 * a layer, with its own resolution; the batched and rank-by-rank settings agree; native memory does
 * not grow. The numbers against an independent reference are the ResNet golden tests' job.
 */
class ResNetLicnnTest {

    private static final int SIDE = ResNetFixture.SIDE;
    private static ResNetFixture fx;
    private static ResNetNetwork r18;

    @BeforeAll
    static void load() {
        fx = ResNetFixture.open();
        r18 = fx.network("r18");
    }

    @AfterAll
    static void close() {
        r18.close();
        fx.close();
    }

    private record LayerMap(int rank, int layer, MapKind kind, FloatMap map) {}

    @Test
    void licnn_streamsEveryFeatureReluAtItsResolution_andExplainsTheTopClasses() {
        List<LayerMap> maps = new ArrayList<>();
        List<ClassAttention> attention = new ArrayList<>();
        ExplainJob job =
                ExplainJob.builder()
                        .setInput(fx.input(0), SIDE, SIDE)
                        .optTopK(3)
                        .optMapKinds(EnumSet.of(MapKind.SUPPRESSION_MASK, MapKind.RESPONSE_AFTER))
                        .optListener(
                                new MapListener() {
                                    @Override
                                    public void onLayerMap(
                                            int rank,
                                            int classId,
                                            int layer,
                                            MapKind kind,
                                            FloatMap map) {
                                        maps.add(new LayerMap(rank, layer, kind, map));
                                    }

                                    @Override
                                    public void onAttention(ClassAttention a) {
                                        attention.add(a);
                                    }
                                })
                        .build();
        ExplainResult r = new LicnnEngine(r18).explain(job);

        assertArrayEquals(Ranking.topK(fx.logits("r18", 0), 3), r.prediction().targets());
        List<FeatureLayer> layers = ResNetFixture.R18.featureLayers(SIDE, SIDE);
        assertEquals(17, layers.size());
        assertEquals(3 * 17 * 2, maps.size());
        int suppressedSomewhere = 0;
        for (LayerMap m : maps) {
            FeatureLayer l = layers.get(m.layer());
            assertEquals(l.height(), m.map().height(), l.name());
            assertEquals(l.width(), m.map().width(), l.name());
            if (m.kind() == MapKind.SUPPRESSION_MASK) {
                for (float v : m.map().data()) {
                    suppressedSomewhere += v == 0 ? 1 : 0;
                }
            }
        }
        assertTrue(suppressedSomewhere > 0, "the gates suppress some locations");
        assertEquals(3, attention.size());
        assertEquals(SIDE, r.saliency().height());
        assertEquals(1.0, norm(r.saliency().data()), 1e-4);
        for (ClassAttention a : attention) {
            assertEquals(1.0, norm(a.attention().data()), 1e-4);
            assertEquals(10, a.logitsAfter().length);
        }
    }

    @Test
    void batchedAndRankByRank_giveTheSameMaps() {
        float[] img = fx.input(1);
        ExplainResult batched =
                new LicnnEngine(r18, new EngineConfig(EngineConfig.Inhibition.JAVA, true))
                        .explain(ExplainJob.builder().setInput(img, SIDE, SIDE).optTopK(2).build());
        ExplainResult perRank =
                new LicnnEngine(r18, new EngineConfig(EngineConfig.Inhibition.TENSOR, false))
                        .explain(ExplainJob.builder().setInput(img, SIDE, SIDE).optTopK(2).build());
        for (int c = 0; c < 2; c++) {
            float[] a = batched.classes().get(c).attention().data();
            float[] b = perRank.classes().get(c).attention().data();
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            }
            // Both are L2-normalised: a relative error of 1e-3 is far above rounding and far below
            // what one wrong gate on any layer makes.
            assertTrue(Math.sqrt(diff) < 1e-3, "class " + c + ": distance " + Math.sqrt(diff));
        }
    }

    @Test
    void baselines_runOnAResNet_gradCamOnTheLastFeatureRelu() {
        BaselineEngine engine = new BaselineEngine(r18, 8);
        List<BaselineJob> jobs = new ArrayList<>();
        for (Method m : Method.values()) {
            jobs.add(
                    BaselineJob.builder()
                            .setInput(fx.input(0), SIDE, SIDE)
                            .setMethod(m)
                            .optTopK(2)
                            .optOptions(
                                    BaselineOptions.builder()
                                            .optIgSteps(4)
                                            .optSmoothGradSamples(2)
                                            .build())
                            .build());
        }
        List<Outcome> out = engine.explainAll(jobs);
        for (int i = 0; i < jobs.size(); i++) {
            Outcome o = out.get(i);
            assertNull(o.error(), jobs.get(i).method() + ": " + o.error());
            assertEquals(
                    1.0, norm(o.result().saliency().data()), 1e-4, jobs.get(i).method().name());
            assertArrayEquals(
                    Ranking.topK(fx.logits("r18", 0), 2), o.result().prediction().targets());
        }
    }

    @Test
    void repeatedCalls_leaveNoNativeArraysBehind() {
        LicnnEngine engine = new LicnnEngine(r18);
        ExplainJob job =
                ExplainJob.builder()
                        .setInput(fx.input(0), SIDE, SIDE)
                        .optTopK(2)
                        .optMapKinds(EnumSet.of(MapKind.GRADIENT_MAX_C))
                        .build();
        engine.explain(job);
        int before = r18.manager().getManagedArrays().size();
        for (int i = 0; i < 2; i++) {
            engine.explain(job);
        }
        assertEquals(before, r18.manager().getManagedArrays().size());
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }
}
