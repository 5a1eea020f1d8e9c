package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.GoldenModel;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.UnknownClassException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Engine behaviour beyond numbers: isolation of jobs, cancellation, native memory. */
class LicnnEngineTest {

    private static GoldenModel fx;
    private static LicnnEngine engine;
    private static float[] img;

    @BeforeAll
    static void load() {
        fx = GoldenModel.open();
        engine = new LicnnEngine(fx.network());
        img = fx.input(2);
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    @Test
    void cancelledAfterPrediction_computesNoAttention() {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicInteger attention = new AtomicInteger();
        ExplainJob job =
                ExplainJob.builder()
                        .setInput(img, 224, 224)
                        .optCancelled(cancelled::get)
                        .optListener(
                                new MapListener() {
                                    @Override
                                    public void onPrediction(Prediction p) {
                                        cancelled.set(true);
                                    }

                                    @Override
                                    public void onAttention(ClassAttention a) {
                                        attention.incrementAndGet();
                                    }
                                })
                        .build();
        Outcome o = engine.explainAll(List.of(job)).get(0);
        assertTrue(o.error() instanceof CancellationException);
        assertEquals(0, attention.get());
    }

    @Test
    void throwingListener_failsOnlyItsJob() {
        ExplainJob bad =
                ExplainJob.builder()
                        .setInput(img, 224, 224)
                        .optListener(
                                new MapListener() {
                                    @Override
                                    public void onAttention(ClassAttention a) {
                                        throw new IllegalStateException("listener broke");
                                    }
                                })
                        .build();
        ExplainJob good = ExplainJob.builder().setInput(img, 224, 224).optTopK(2).build();
        List<Outcome> out = engine.explainAll(List.of(bad, good));
        assertEquals("listener broke", out.get(0).error().getMessage());
        assertNull(out.get(1).error());
        assertEquals(2, out.get(1).result().classes().size());
    }

    @Test
    void invalidJobs_failAlone_mixedSizesRunInGroups() {
        ExplainJob unknown =
                ExplainJob.builder().setInput(img, 224, 224).optClassIds(3, 10).build();
        ExplainJob tooMany = ExplainJob.builder().setInput(img, 224, 224).optTopK(11).build();
        float[] small = new float[3 * 112 * 112];
        System.arraycopy(img, 0, small, 0, small.length);
        ExplainJob other = ExplainJob.builder().setInput(small, 112, 112).optClassIds(4).build();
        ExplainJob ok = ExplainJob.builder().setInput(img, 224, 224).optClassIds(7, 1).build();
        List<Outcome> out = engine.explainAll(List.of(unknown, tooMany, other, ok));
        assertTrue(
                out.get(0).error() instanceof UnknownClassException,
                String.valueOf(out.get(0).error()));
        assertTrue(out.get(0).error().getMessage().contains("class 10"));
        assertTrue(out.get(1).error() instanceof UnknownClassException);
        assertNull(out.get(2).error());
        assertEquals(112, out.get(2).result().saliency().height());
        assertNull(out.get(3).error());
        assertEquals(7, out.get(3).result().classes().get(0).classId());
        assertEquals(1, out.get(3).result().classes().get(1).classId());
    }

    @Test
    void builder_rejectsBadInput() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ExplainJob.builder().setInput(new float[10], 224, 224).build());
        float[] nan = img.clone();
        nan[5] = Float.NaN;
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ExplainJob.builder().setInput(nan, 224, 224).build());
        assertTrue(e.getMessage().contains("not finite"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ExplainJob.builder().setInput(img, 224, 224).optTopK(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExplainJob.builder().setInput(img, 224, 224).optClassIds(2, 2).build());
        assertThrows(
                IllegalArgumentException.class, () -> LicnnOptions.builder().optLizSize(4).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LicnnOptions.builder().optB(Float.NaN).build());
    }

    @Test
    void nativeMemory_doesNotGrowWithRequests() {
        // libtorch's grad mode is per thread and on by default on a thread where the engine was not
        // loaded
        // (which depends on test order): start from off, and check the engine leaves it so.
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        int before = fx.network().manager().getManagedArrays().size();
        for (int i = 0; i < 5; i++) {
            engine.explainAll(
                    List.of(
                            ExplainJob.builder()
                                    .setInput(img, 224, 224)
                                    .optTopK(3)
                                    .optMapKinds(java.util.EnumSet.allOf(MapKind.class))
                                    .build()));
            float[][] logits = engine.logits(List.of(img, img), 224, 224);
            assertEquals(10, logits[1].length);
        }
        assertEquals(
                before,
                fx.network().manager().getManagedArrays().size(),
                "arrays left behind in the network's manager");
        assertFalse(ai.djl.pytorch.jni.JniUtils.isGradMode(), "grad mode must be restored");
    }
}
