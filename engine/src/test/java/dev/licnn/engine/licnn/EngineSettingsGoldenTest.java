package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.licnn.engine.EveryFixtureSet;
import dev.licnn.engine.GoldenFixtures;
import dev.licnn.engine.GoldenModel;
import dev.licnn.engine.GoldenTolerances;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.ScoreMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tensor gates ({@link EngineConfig}), per-class and batched, against the Java gates run class
 * by class on the same CPU, and against the golden fixtures of every set: the same top-5; the same
 * suppression masks except at near-ties of the gate; and the same attention and masked-pass maps,
 * within relative L2 1e-6 for every class whose masks agree, and otherwise within the tolerance
 * measured for that map ({@link GoldenTolerances}). Every class is checked, whether its masks agree
 * or not.
 */
class EngineSettingsGoldenTest {

    private static GoldenModel model;
    private static final List<EngineConfig> SETTINGS =
            List.of(
                    EngineConfig.parse("java,per-class", Device.cpu()),
                    EngineConfig.parse("java,batch", Device.cpu()),
                    EngineConfig.parse("tensor,per-class", Device.cpu()),
                    EngineConfig.parse("tensor,batch", Device.cpu()));

    /** The option variants measured by {@code golden_tolerances.py}. */
    private static final List<String> VARIANTS =
            List.of("default", "logit", "inhibit_last", "per_layer_norm", "liz5");

    @BeforeAll
    static void load() {
        model = GoldenModel.open();
    }

    @AfterAll
    static void close() throws Exception {
        DEFAULT_RUNS.clear();
        model.close();
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

    /**
     * Job {@code i} explains image {@code i} with {@code opts[i]} and {@code topK[i]}; all in one
     * call.
     */
    private static List<Outcome> run(
            EngineConfig c, List<Maps> listeners, LicnnOptions[] opts, int[] topK) {
        return run(c, listeners, opts, topK, 0);
    }

    private static List<Outcome> run(
            EngineConfig c, List<Maps> listeners, LicnnOptions[] opts, int[] topK, int firstImage) {
        LicnnEngine engine = new LicnnEngine(model.network(), c);
        List<ExplainJob> jobs = new ArrayList<>();
        for (int i = 0; i < opts.length; i++) {
            Maps m = new Maps();
            listeners.add(m);
            jobs.add(
                    ExplainJob.builder()
                            .setInput(model.input(firstImage + i), 224, 224)
                            .optTopK(topK[i])
                            .optOptions(opts[i])
                            .optMapKinds(EnumSet.allOf(MapKind.class))
                            .optListener(m)
                            .build());
        }
        return engine.explainAll(jobs);
    }

    /** One call over the first images, all with the same options and top-5: outcomes and maps. */
    record Run(List<Outcome> outcomes, List<Maps> maps) {}

    private static final Map<EngineConfig, Run> DEFAULT_RUNS = new HashMap<>();

    private static Run runOf(EngineConfig c, LicnnOptions o, int images) {
        List<Maps> maps = new ArrayList<>();
        List<Outcome> out = run(c, maps, same(o, images), fives(images));
        return new Run(out, maps);
    }

    /**
     * The default-options run of setting {@code c} on the three images, made once and shared by the
     * tests of this class.
     */
    private static Run defaults(EngineConfig c) {
        return DEFAULT_RUNS.computeIfAbsent(c, k -> runOf(k, LicnnOptions.defaults(), 3));
    }

    private static LicnnOptions[] same(LicnnOptions o, int n) {
        LicnnOptions[] out = new LicnnOptions[n];
        Arrays.fill(out, o);
        return out;
    }

    private static int[] fives(int n) {
        int[] k = new int[n];
        Arrays.fill(k, 5);
        return k;
    }

    /**
     * The largest attention tolerance measured for image {@code img}, rank {@code rank}, over the
     * option variants: what a gate flipped by rounding may do to an attention map.
     */
    static double attentionTolerance(int img, int rank) {
        double t = GoldenTolerances.EXACT;
        for (String v : VARIANTS) {
            String n = "img" + img + "." + v + ".attention.r" + rank;
            if (GoldenTolerances.has(n)) {
                t = Math.max(t, GoldenTolerances.of(n));
            }
        }
        return t;
    }

    /** The largest tolerance measured for a masked-pass (RESPONSE_AFTER) map of layer {@code l}. */
    static double afterTolerance(int l) {
        double t = GoldenTolerances.EXACT;
        for (int r = 0; r < 5; r++) {
            t = Math.max(t, GoldenTolerances.of("img0.default.after.r" + r + ".l" + l));
        }
        return t;
    }

    /**
     * Whether every suppression mask of {@code rank} agrees between two runs; fails where one
     * differs at a location that is not a near-tie of the reference run's gate.
     */
    static boolean masksAgree(Maps ref, Maps got, int rank, int layers, String where) {
        boolean agree = true;
        for (int l = 0; l < layers; l++) {
            String key = "." + rank + "." + l;
            float[] m0 = ref.maps.get(MapKind.SUPPRESSION_MASK + key);
            float[] m1 = got.maps.get(MapKind.SUPPRESSION_MASK + key);
            float[] g0 = ref.maps.get(MapKind.GRADIENT_MAX_C + key);
            float[] li0 = ref.maps.get(MapKind.INHIBITION + key);
            for (int p = 0; p < m0.length; p++) {
                if ((m0[p] == 0) != (m1[p] == 0)) {
                    agree = false;
                    double gap = Math.abs(g0[p] - li0[p]);
                    double scale = Math.max(Math.abs(g0[p]), Math.abs(li0[p]));
                    assertTrue(
                            gap <= TensorInhibitionTest.NEAR_TIE * scale,
                            where + " mask" + key + " differs at " + p + ", not a near-tie");
                }
            }
        }
        return agree;
    }

    @Test
    void everySetting_matchesJavaPerClass() {
        int classesChecked = 0;
        int classesWithNearTies = 0;
        for (boolean defaults : new boolean[] {true, false}) {
            LicnnOptions o =
                    defaults
                            ? LicnnOptions.defaults()
                            : LicnnOptions.builder()
                                    .optInhibitLastRelu(true)
                                    .optPerLayerNormalization(true)
                                    .build();
            int images = defaults ? 3 : 2;
            Run reference =
                    defaults ? defaults(SETTINGS.get(0)) : runOf(SETTINGS.get(0), o, images);
            List<Outcome> ref = reference.outcomes();
            List<Maps> refMaps = reference.maps();
            // java,batch (the CPU default) meets the fixtures in LicnnGoldenTest; here the tensor
            // gates.
            for (EngineConfig c : defaults ? SETTINGS.subList(2, 4) : SETTINGS.subList(3, 4)) {
                Run got = defaults ? defaults(c) : runOf(c, o, images);
                List<Outcome> out = got.outcomes();
                List<Maps> maps = got.maps();
                for (int i = 0; i < images; i++) {
                    String where =
                            c
                                    + " image "
                                    + i
                                    + (defaults ? " defaults" : " inhibit-last, per-layer");
                    assertNull(out.get(i).error(), where);
                    ExplainResult r = out.get(i).result();
                    ExplainResult r0 = ref.get(i).result();
                    assertArrayEquals(r0.prediction().targets(), r.prediction().targets(), where);
                    assertEquals(
                            List.of(0, 1, 2, 3, 4),
                            maps.get(i).attentionRanks,
                            where + ": class order");
                    int layers = model.network().spec().featureReluCount();
                    for (int rank = 0; rank < 5; rank++) {
                        for (int l = 0; l < layers; l++) {
                            String key = "." + rank + "." + l;
                            for (MapKind k :
                                    List.of(
                                            MapKind.GRADIENT_MAX_C,
                                            MapKind.INHIBITION,
                                            MapKind.RESPONSE_BEFORE)) {
                                double e =
                                        GoldenTolerances.relL2(
                                                maps.get(i).maps.get(k + key),
                                                refMaps.get(i).maps.get(k + key));
                                assertTrue(e <= 1e-6, where + " " + k + key + " rel L2 " + e);
                            }
                        }
                        boolean agree =
                                masksAgree(refMaps.get(i), maps.get(i), rank, layers, where);
                        classesChecked++;
                        classesWithNearTies += agree ? 0 : 1;
                        double tol = agree ? 1e-6 : attentionTolerance(i, rank);
                        double e =
                                GoldenTolerances.relL2(
                                        r.classes().get(rank).attention().data(),
                                        r0.classes().get(rank).attention().data());
                        assertTrue(
                                e <= tol,
                                where
                                        + " attention rank "
                                        + rank
                                        + " rel L2 "
                                        + e
                                        + ", tolerance "
                                        + tol
                                        + (agree
                                                ? " (masks agree)"
                                                : " (masks differ at near-ties)"));
                        for (int l = 0; l < layers; l++) {
                            String key = MapKind.RESPONSE_AFTER + "." + rank + "." + l;
                            double ta = agree ? 1e-6 : afterTolerance(l);
                            double ea =
                                    GoldenTolerances.relL2(
                                            maps.get(i).maps.get(key),
                                            refMaps.get(i).maps.get(key));
                            assertTrue(
                                    ea <= ta,
                                    where + " " + key + " rel L2 " + ea + ", tolerance " + ta);
                        }
                    }
                }
            }
        }
        System.out.printf(
                "engine settings: %d classes checked, %d with masks differing at near-ties%n",
                classesChecked, classesWithNearTies);
        assertEquals(40, classesChecked, "every class of every setting is checked");
    }

    /**
     * The tensor gates meet the fixtures of every set: top-5 and saliency within the measured
     * tolerance.
     */
    @EveryFixtureSet
    void tensorSettings_matchGolden(GoldenFixtures fx) {
        for (EngineConfig c : SETTINGS.subList(2, 4)) {
            List<Outcome> out = defaults(c).outcomes();
            for (int i = 0; i < 3; i++) {
                String where = c + " image " + i + " vs " + fx;
                assertNull(out.get(i).error(), where);
                ExplainResult r = out.get(i).result();
                assertArrayEquals(
                        fx.ints("img" + i + ".default.topk"), r.prediction().targets(), where);
                String name = "img" + i + ".default.saliency";
                double s = GoldenTolerances.relL2(r.saliency().data(), fx.floats(name));
                double tol = GoldenTolerances.of(name);
                assertTrue(s < tol, where + " saliency rel L2 " + s + ", tolerance " + tol);
            }
        }
    }

    @Test
    void mixedOptionsInOneBatch_matchEachJobAlone() {
        LicnnOptions[] opts = {
            LicnnOptions.defaults(),
            LicnnOptions.builder().optLizSize(5).optA(0.2f).optInhibitLastRelu(true).build(),
            LicnnOptions.builder()
                    .optPerLayerNormalization(true)
                    .optScoreMode(ScoreMode.BEFORE_SOFTMAX)
                    .build()
        };
        int[] topK = {2, 3, 4};
        List<Maps> aloneMaps = new ArrayList<>();
        List<Outcome> alone = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Each job alone (a call of one), through the Java gates class by class.
            alone.add(
                    run(
                                    SETTINGS.get(0),
                                    aloneMaps,
                                    new LicnnOptions[] {opts[i]},
                                    new int[] {topK[i]},
                                    i)
                            .get(0));
        }
        List<Maps> mixedMaps = new ArrayList<>();
        List<Outcome> out = run(SETTINGS.get(3), mixedMaps, opts, topK);
        int layers = model.network().spec().featureReluCount();
        for (int i = 0; i < 3; i++) {
            String where = SETTINGS.get(3) + " job " + i;
            ExplainResult r = out.get(i).result();
            ExplainResult r0 = alone.get(i).result();
            assertEquals(topK[i], r.classes().size(), where);
            assertArrayEquals(r0.prediction().targets(), r.prediction().targets());
            for (int rank = 0; rank < r.classes().size(); rank++) {
                boolean agree = masksAgree(aloneMaps.get(i), mixedMaps.get(i), rank, layers, where);
                double tol = agree ? 1e-4 : attentionTolerance(i, rank);
                double e =
                        GoldenTolerances.relL2(
                                r.classes().get(rank).attention().data(),
                                r0.classes().get(rank).attention().data());
                assertTrue(
                        e <= tol,
                        where + " rank " + rank + " attention rel L2 " + e + ", tolerance " + tol);
            }
        }
    }
}
