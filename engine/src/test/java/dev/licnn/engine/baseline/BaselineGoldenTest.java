package dev.licnn.engine.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.licnn.engine.EveryFixtureSet;
import dev.licnn.engine.GoldenFixtures;
import dev.licnn.engine.GoldenModel;
import dev.licnn.engine.GoldenTolerances;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.ScoreMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baseline methods against an independent PyTorch implementation ({@code
 * make_golden_baselines.py}) on the narrow VGG-16 of the LICNN fixtures, for each fixture set (the
 * same script on two CPUs with other vector units); batching, cancellation and native memory.
 *
 * <p>Gradients of a ReLU network follow its ReLU gates and max-pool routes, which a tie rounded the
 * other way changes; each map is therefore held to the tolerance measured for it by {@code
 * golden_tolerances.py} (see {@link GoldenTolerances}), never less than {@link
 * GoldenTolerances#EXACT}.
 */
class BaselineGoldenTest {

    /** The fixture settings: top-3, 16 integrated-gradients steps, 8 SmoothGrad samples, seed 0. */
    static final BaselineOptions GOLDEN =
            BaselineOptions.builder()
                    .optIgSteps(16)
                    .optSmoothGradSamples(8)
                    .optNoiseLevel(0.15)
                    .optSeed(0)
                    .build();

    private static GoldenModel model;
    private static BaselineEngine engine;

    @BeforeAll
    static void load() {
        model = GoldenModel.open();
        engine = new BaselineEngine(model.network());
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    /** The L2-normalised sum of maps (the saliency convention), in double precision. */
    static float[] normalizedSum(float[]... maps) {
        double[] acc = new double[maps[0].length];
        for (float[] m : maps) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += m[i];
            }
        }
        return BaselineMaps.normalized(acc);
    }

    private static void assertWithin(float[] got, float[] expected, String name) {
        double err = GoldenTolerances.relL2(got, expected);
        double tol = GoldenTolerances.of("baselines." + name);
        System.out.printf("baseline %-36s rel L2 %.2e (tolerance %.1e)%n", name, err, tol);
        assertTrue(err < tol, String.format("%s: rel L2 %.3e, tolerance %.1e", name, err, tol));
    }

    static String key(Method m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private static BaselineJob job(int img, Method m, BaselineOptions opts, MapListener listener) {
        return BaselineJob.builder()
                .setInput(model.input(img), 224, 224)
                .setMethod(m)
                .optTopK(3)
                .optOptions(opts)
                .optListener(listener)
                .build();
    }

    private static ExplainResult ok(Outcome o) {
        assertNull(o.error(), () -> "job failed: " + o.error());
        return o.result();
    }

    /**
     * Per-class maps of img0 (each method alone), and the saliency as the normalised sum of the
     * reference maps.
     */
    @EveryFixtureSet
    void everyMethod_img0_matchesReference(GoldenFixtures fx) {
        for (Method m : Method.values()) {
            ExplainResult r = engine.explain(job(0, m, GOLDEN, MapListener.NONE));
            assertArrayEquals(fx.baselineInts("img0.topk"), r.prediction().targets(), m + " top-3");
            assertTrue(
                    GoldenTolerances.relL2(r.prediction().logits(), fx.baseline("img0.logits"))
                            < 1e-5);
            float[][] expected = new float[3][];
            for (int rank = 0; rank < 3; rank++) {
                expected[rank] = fx.baselineMap("img0." + key(m) + ".maps", rank);
                ClassAttention ca = r.classes().get(rank);
                assertEquals(rank, ca.rank());
                assertEquals(r.prediction().targets()[rank], ca.classId());
                assertEquals(0, ca.logitsAfter().length, "no inhibited pass");
                assertWithin(
                        ca.attention().data(), expected[rank], "img0." + key(m) + ".maps.r" + rank);
            }
            assertWithin(
                    r.saliency().data(), normalizedSum(expected), "img0." + key(m) + ".saliency");
        }
    }

    /**
     * img1 saliency of the multi-row methods and Grad-CAM, and the logit score, in one mixed call.
     */
    @EveryFixtureSet
    void img1AndLogitScore_matchReference(GoldenFixtures fx) {
        BaselineOptions logit =
                BaselineOptions.builder().optScoreMode(ScoreMode.BEFORE_SOFTMAX).build();
        List<BaselineJob> jobs =
                List.of(
                        job(1, Method.INTEGRATED_GRADIENTS, GOLDEN, MapListener.NONE),
                        job(1, Method.SMOOTHGRAD, GOLDEN, MapListener.NONE),
                        job(1, Method.GRAD_CAM, GOLDEN, MapListener.NONE),
                        job(0, Method.GRADIENT, logit, MapListener.NONE));
        String[] names = {
            "img1.integrated_gradients", "img1.smoothgrad", "img1.grad_cam", "img0.gradient_logit"
        };
        List<Outcome> out = engine.explainAll(jobs);
        for (int i = 0; i < names.length; i++) {
            ExplainResult r = ok(out.get(i));
            assertArrayEquals(
                    fx.baselineInts(names[i].substring(0, 4) + ".topk"), r.prediction().targets());
            assertWithin(
                    r.saliency().data(),
                    fx.baseline(names[i] + ".saliency"),
                    names[i] + ".saliency");
        }
    }

    /** Mixed methods in one call, in passes that split jobs, give the maps of one job at a time. */
    @Test
    void mixedBatch_sameMapsAsOneAtATime() {
        BaselineOptions light =
                BaselineOptions.builder().optIgSteps(7).optSmoothGradSamples(5).build();
        List<BaselineJob> jobs = new ArrayList<>();
        int img = 0;
        for (Method m : Method.values()) {
            jobs.add(job(img, m, light, MapListener.NONE));
            img = 1 - img;
        }
        BaselineEngine small = new BaselineEngine(model.network(), 4);
        List<Outcome> together = small.explainAll(jobs);
        for (int i = 0; i < jobs.size(); i++) {
            ExplainResult alone = engine.explain(jobs.get(i));
            ExplainResult mixed = ok(together.get(i));
            assertArrayEquals(alone.prediction().targets(), mixed.prediction().targets());
            for (int rank = 0; rank < 3; rank++) {
                double err =
                        GoldenTolerances.relL2(
                                mixed.classes().get(rank).attention().data(),
                                alone.classes().get(rank).attention().data());
                assertTrue(
                        err < 1e-5,
                        jobs.get(i).method()
                                + " rank "
                                + rank
                                + ": batched vs alone rel L2 "
                                + err);
            }
        }
        // 5 clean rows, then 7 + 5 extra rows, in passes of 4 (the second mixes a clean row with
        // steps).
        assertEquals(5, small.passCount());
    }

    @Test
    void events_predictionThenClassesInRankOrderThenSaliency() {
        List<String> events = new ArrayList<>();
        MapListener rec =
                new MapListener() {
                    @Override
                    public void onPrediction(Prediction p) {
                        events.add("prediction");
                    }

                    @Override
                    public void onAttention(ClassAttention a) {
                        events.add("class" + a.rank());
                    }

                    @Override
                    public void onSaliency(int[] ids, FloatMap s) {
                        events.add("saliency" + ids.length);
                    }
                };
        engine.explain(job(0, Method.SMOOTHGRAD, GOLDEN, rec));
        assertEquals(List.of("prediction", "class0", "class1", "class2", "saliency3"), events);
    }

    @Test
    void cancelledAfterPrediction_stopsItsWorkOnly() {
        AtomicBoolean cancelled = new AtomicBoolean();
        List<ClassAttention> seen = new ArrayList<>();
        BaselineJob cancelledJob =
                BaselineJob.builder()
                        .setInput(model.input(0), 224, 224)
                        .setMethod(Method.INTEGRATED_GRADIENTS)
                        .optOptions(BaselineOptions.builder().optIgSteps(64).build())
                        .optCancelled(cancelled::get)
                        .optListener(
                                new MapListener() {
                                    @Override
                                    public void onPrediction(Prediction p) {
                                        cancelled.set(true);
                                    }

                                    @Override
                                    public void onAttention(ClassAttention a) {
                                        seen.add(a);
                                    }
                                })
                        .build();
        BaselineJob other = job(1, Method.GRADIENT, GOLDEN, MapListener.NONE);
        BaselineEngine counting = new BaselineEngine(model.network(), 8);
        List<Outcome> out = counting.explainAll(List.of(cancelledJob, other));
        assertTrue(
                out.get(0).error() instanceof CancellationException, "got " + out.get(0).error());
        assertTrue(seen.isEmpty(), "no class maps after cancellation");
        assertEquals(3, ok(out.get(1)).classes().size());
        assertEquals(1, counting.passCount(), "the 64 integrated-gradients steps must not run");
    }

    @Test
    void invalidJobs_failAlone() {
        BaselineJob badLayer =
                BaselineJob.builder()
                        .setInput(model.input(0), 224, 224)
                        .setMethod(Method.GRAD_CAM)
                        .optOptions(BaselineOptions.builder().optGradCamLayer(13).build())
                        .build();
        BaselineJob badBaseline =
                BaselineJob.builder()
                        .setInput(model.input(0), 224, 224)
                        .setMethod(Method.INTEGRATED_GRADIENTS)
                        .optOptions(BaselineOptions.builder().optIgBaseline(new float[6]).build())
                        .build();
        BaselineJob badClass =
                BaselineJob.builder().setInput(model.input(0), 224, 224).optClassIds(2, 10).build();
        BaselineJob good =
                BaselineJob.builder()
                        .setInput(model.input(0), 224, 224)
                        .setMethod(Method.GRAD_CAM)
                        .optClassIds(4, 2)
                        .optOptions(BaselineOptions.builder().optGradCamLayer(9).build())
                        .build();
        List<Outcome> out = engine.explainAll(List.of(badLayer, badBaseline, badClass, good));
        assertTrue(
                out.get(0).error().getMessage().contains("Grad-CAM layer 13"),
                out.get(0).error().getMessage());
        assertTrue(
                out.get(1).error().getMessage().contains("baseline"),
                out.get(1).error().getMessage());
        assertTrue(
                out.get(2).error().getMessage().contains("class 10"),
                out.get(2).error().getMessage());
        ExplainResult r = ok(out.get(3));
        assertArrayEquals(new int[] {4, 2}, r.prediction().targets());
        assertEquals(4, r.classes().get(0).classId());
    }

    @Test
    void options_validateAndDefaultToBlack() {
        BaselineOptions d = BaselineOptions.defaults();
        assertEquals(32, d.igSteps());
        assertEquals(16, d.smoothGradSamples());
        assertEquals(0.15, d.noiseLevel());
        assertEquals(-1, d.gradCamLayer());
        assertEquals(-0.485f / 0.229f, d.igBaselineValues()[0], 1e-6f);
        assertEquals(
                0f,
                BaselineOptions.builder()
                        .optIgBaselineZeros()
                        .build()
                        .igBaseline(32, 32)[3 * 32 * 32 - 1]);
        String[] bad = {"steps", "samples", "noise", "layer"};
        for (String b : bad) {
            BaselineOptions.Builder bld = BaselineOptions.builder();
            switch (b) {
                case "steps":
                    bld.optIgSteps(0);
                    break;
                case "samples":
                    bld.optSmoothGradSamples(2000);
                    break;
                case "noise":
                    bld.optNoiseLevel(Double.NaN);
                    break;
                default:
                    bld.optGradCamLayer(-2);
                    break;
            }
            try {
                bld.build();
                throw new AssertionError(b + " accepted");
            } catch (IllegalArgumentException expected) {
                // named problem
            }
        }
    }

    /** The noise is the fixture's, and its words are SplittableRandom's. */
    @EveryFixtureSet
    void noise_matchesFixtureAndSplittableRandom(GoldenFixtures fx) {
        float[] head = fx.baseline("noise.seed0.head");
        float[] mine = new float[head.length];
        GaussianNoise.fill(0, 0, 1.0, mine);
        assertArrayEquals(head, mine, 1e-6f);
        float[] tail = new float[5];
        GaussianNoise.fill(0, head.length - 5, 1.0, tail);
        assertArrayEquals(
                java.util.Arrays.copyOfRange(head, head.length - 5, head.length), tail, 1e-6f);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int k = 0; k < 10; k++) {
            assertEquals(rnd.nextDouble(), GaussianNoise.uniform(42, k));
        }
    }

    @Test
    void nativeMemory_doesNotGrow_gradModeRestored() {
        JniUtils.setGradMode(
                false); // per thread, and on by default where the engine was not loaded: start from
        // off
        engine.explain(job(0, Method.GRAD_CAM, GOLDEN, MapListener.NONE)); // warm up lazy state
        int before = model.network().manager().getManagedArrays().size();
        BaselineOptions light =
                BaselineOptions.builder().optIgSteps(3).optSmoothGradSamples(2).build();
        for (int i = 0; i < 3; i++) {
            List<BaselineJob> jobs = new ArrayList<>();
            for (Method m : Method.values()) {
                jobs.add(job(i % 2, m, light, MapListener.NONE));
            }
            for (Outcome o : new BaselineEngine(model.network(), 4).explainAll(jobs)) {
                ok(o);
            }
        }
        assertEquals(
                before,
                model.network().manager().getManagedArrays().size(),
                "arrays left behind in the network's manager");
        assertFalse(JniUtils.isGradMode(), "grad mode must be restored");
    }
}
