package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ListModelsRequest;
import dev.licnn.proto.v1.MapEncoding;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every RPC through an in-process server with real stubs. */
class LicnnServiceTest {

    private static TestServer ts;
    private static float[] img0;
    private static ExplainResult reference;

    @BeforeAll
    static void start() throws Exception {
        ts = new TestServer(b -> b);
        img0 = TestServer.goldenInput(0);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = TestServer.narrowCard().loadWeights(m);
                VggNetwork net = VggNetwork.create(TestServer.SPEC, w.asMap(), Device.cpu())) {
            reference =
                    new LicnnEngine(net)
                            .explain(ExplainJob.builder().setInput(img0, 224, 224).build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        ts.close();
    }

    static List<ExplainEvent> explain(ExplainRequest r) {
        List<ExplainEvent> out = new ArrayList<>();
        Iterator<ExplainEvent> it = ts.blocking.explain(r);
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void explain_streamsEventsInContractOrder_andMapsEqualTheEngine() {
        ExplainRequest req =
                ExplainRequest.newBuilder()
                        .setImage(TestServer.tensor(img0))
                        .addLayerMapKinds(MapKind.MAP_KIND_SUPPRESSION_MASK)
                        .addLayerMapKinds(MapKind.MAP_KIND_RESPONSE_AFTER)
                        .addLayerIndices(0)
                        .addLayerNames("relu5_3")
                        .build();
        List<ExplainEvent> events = explain(req);
        List<String> kinds = new ArrayList<>();
        for (ExplainEvent e : events) {
            kinds.add(e.getEventCase().name());
        }
        assertEquals("ACCEPTED", kinds.get(0));
        assertEquals("PREDICTION", kinds.get(1));
        assertEquals(
                List.of("SALIENCY_MAP", "INHIBITED_RANKING", "COMPLETED"),
                kinds.subList(kinds.size() - 3, kinds.size()));
        // Per target: 2 kinds x 2 layers, then its attention map.
        int i = 2;
        for (int t = 0; t < 5; t++) {
            for (int k = 0; k < 4; k++) {
                ExplainEvent e = events.get(i++);
                assertEquals(
                        ExplainEvent.EventCase.LAYER_MAP,
                        e.getEventCase(),
                        "event " + i + ": " + kinds);
                assertEquals(t, e.getLayerMap().getTargetIndex());
                assertTrue(
                        e.getLayerMap().getLayerIndex() == 0
                                || e.getLayerMap().getLayerIndex() == 12);
            }
            ExplainEvent a = events.get(i++);
            assertEquals(ExplainEvent.EventCase.ATTENTION_MAP, a.getEventCase());
            assertEquals(reference.classes().get(t).classId(), a.getAttentionMap().getClassId());
            assertArrayEquals(
                    reference.classes().get(t).attention().data(),
                    MapEncoder.decode(a.getAttentionMap().getMap()).data(),
                    1e-6f);
        }
        assertEquals(events.size() - 3, i);
        assertEquals(5, events.get(0).getAccepted().getNumTargets());
        assertEquals(20, events.get(0).getAccepted().getExpectedLayerMaps());
        int[] targets =
                events.get(1).getPrediction().getTargetsList().stream()
                        .mapToInt(s -> s.getClassId())
                        .toArray();
        assertArrayEquals(reference.prediction().targets(), targets);
        ExplainEvent sal = events.get(events.size() - 3);
        assertArrayEquals(
                reference.saliency().data(),
                MapEncoder.decode(sal.getSaliencyMap().getMap()).data(),
                1e-6f);
        assertEquals(5, events.get(events.size() - 2).getInhibitedRanking().getRankingsCount());
        assertTrue(events.get(events.size() - 1).getCompleted().getBatchSize() >= 1);
    }

    @Test
    void explain_encodingsAndOutputSize() {
        ExplainRequest req =
                ExplainRequest.newBuilder()
                        .setImage(TestServer.tensor(img0))
                        .setClassIds(
                                ClassList.newBuilder()
                                        .addClassIds(reference.prediction().targets()[0]))
                        .setMapEncoding(MapEncoding.MAP_ENCODING_UINT8)
                        .setOutputSize(
                                dev.licnn.proto.v1.ImageSize.newBuilder()
                                        .setHeight(56)
                                        .setWidth(56))
                        .build();
        List<ExplainEvent> events = explain(req);
        ExplainEvent att =
                events.stream().filter(ExplainEvent::hasAttentionMap).findFirst().orElseThrow();
        assertEquals(56, att.getAttentionMap().getMap().getHeight());
        assertEquals(56 * 56, att.getAttentionMap().getMap().getData().size());
        assertEquals(224, att.getAttentionMap().getMap().getSourceSize().getHeight());
        ExplainRequest f16 =
                req.toBuilder()
                        .setMapEncoding(MapEncoding.MAP_ENCODING_FLOAT16)
                        .clearOutputSize()
                        .build();
        ExplainEvent sal =
                explain(f16).stream()
                        .filter(ExplainEvent::hasSaliencyMap)
                        .findFirst()
                        .orElseThrow();
        float[] got = MapEncoder.decode(sal.getSaliencyMap().getMap()).data();
        float[] want = reference.classes().get(0).attention().data();
        for (int p = 0; p < want.length; p++) {
            assertEquals(want[p], got[p], Math.abs(want[p]) * 1e-3 + 1e-6);
        }
    }

    @Test
    void baselineMethods_streamTheEnginesMaps_withoutInhibitedRanking() throws Exception {
        try (ai.djl.ndarray.NDManager m =
                        ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu());
                StateDict w = TestServer.narrowCard().loadWeights(m);
                VggNetwork net =
                        VggNetwork.create(TestServer.SPEC, w.asMap(), ai.djl.Device.cpu())) {
            dev.licnn.engine.baseline.BaselineEngine be =
                    new dev.licnn.engine.baseline.BaselineEngine(net);
            for (dev.licnn.proto.v1.ExplainMethod pm :
                    new dev.licnn.proto.v1.ExplainMethod[] {
                        dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_GRADIENT,
                        dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_GRADIENT_X_INPUT,
                        dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_INTEGRATED_GRADIENTS,
                        dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_SMOOTHGRAD,
                        dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_GRAD_CAM
                    }) {
                dev.licnn.proto.v1.BaselineOptions bo =
                        dev.licnn.proto.v1.BaselineOptions.newBuilder()
                                .setIgSteps(4)
                                .setSmoothgradSamples(3)
                                .setSeed(7)
                                .build();
                List<ExplainEvent> events =
                        explain(
                                ExplainRequest.newBuilder()
                                        .setImage(TestServer.tensor(img0))
                                        .setTopK(2)
                                        .setMethod(pm)
                                        .setBaselineOptions(bo)
                                        .build());
                assertEquals(pm, events.get(0).getAccepted().getMethod());
                assertTrue(events.stream().noneMatch(ExplainEvent::hasInhibitedRanking), pm.name());
                ExplainEvent sal =
                        events.stream()
                                .filter(ExplainEvent::hasSaliencyMap)
                                .findFirst()
                                .orElseThrow();
                dev.licnn.engine.baseline.BaselineOptions opts =
                        dev.licnn.engine.baseline.BaselineOptions.builder()
                                .optIgSteps(4)
                                .optSmoothGradSamples(3)
                                .optSeed(7)
                                .optIgBaselineBlack(
                                        TestServer.narrowCard().preprocess().mean(),
                                        TestServer.narrowCard().preprocess().std())
                                .build();
                ExplainResult direct =
                        be.explain(
                                dev.licnn.engine.baseline.BaselineJob.builder()
                                        .setInput(img0, 224, 224)
                                        .setMethod(ProtoMapping.baseline(pm, pm.getNumber()))
                                        .optTopK(2)
                                        .optOptions(opts)
                                        .build());
                assertArrayEquals(
                        direct.saliency().data(),
                        MapEncoder.decode(sal.getSaliencyMap().getMap()).data(),
                        1e-6f,
                        pm.name());
            }
        }
    }

    @Test
    void modelVariants_reinitialiseNamedLayers_deterministically() {
        ClassifyRequest.Builder base =
                ClassifyRequest.newBuilder().addImages(TestServer.tensor(img0)).setTopK(10);
        float[] original = probs(ts.blocking.classify(base.build()));
        String variant = "narrow?reinit=classifier.6,classifier.3&seed=3";
        float[] v1 = probs(ts.blocking.classify(base.setModel(variant).build()));
        float[] v2 = probs(ts.blocking.classify(base.setModel(variant).build()));
        assertArrayEquals(v1, v2, 0f);
        assertTrue(
                java.util.Arrays.stream(new int[] {0, 1, 2})
                        .anyMatch(i -> Math.abs(v1[i] - original[i]) > 1e-4),
                "re-initialised classifier changes the probabilities");
        float[] other =
                probs(
                        ts.blocking.classify(
                                base.setModel("narrow?reinit=classifier.6&seed=4").build()));
        assertTrue(Math.abs(other[0] - v1[0]) > 1e-6 || Math.abs(other[1] - v1[1]) > 1e-6);
        List<ExplainEvent> ev =
                explain(
                        ExplainRequest.newBuilder()
                                .setModel("narrow?reinit=features.28&seed=1")
                                .setImage(TestServer.tensor(img0))
                                .setTopK(1)
                                .build());
        assertTrue(ev.get(ev.size() - 1).hasCompleted());
        StatusRuntimeException bad =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                ts.blocking.classify(
                                        base.setModel("narrow?reinit=features.99").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        assertTrue(bad.getStatus().getDescription().contains("features.99"));
        StatusRuntimeException missing =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                ts.blocking.classify(
                                        base.setModel("nope?reinit=classifier.6").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }

    /** Probabilities by class id. */
    private static float[] probs(ClassifyResponse r) {
        float[] p = new float[10];
        r.getResults(0)
                .getClassification()
                .getTopClassesList()
                .forEach(c -> p[c.getClassId()] = c.getProbability());
        return p;
    }

    @Test
    void explain_pngImage_works() throws Exception {
        ExplainRequest req =
                ExplainRequest.newBuilder()
                        .setImage(
                                ImageInput.newBuilder()
                                        .setEncoded(
                                                com.google.protobuf.ByteString.copyFrom(
                                                        Images.png(300, 240))))
                        .setTopK(2)
                        .build();
        List<ExplainEvent> events = explain(req);
        assertEquals(
                ExplainEvent.EventCase.COMPLETED, events.get(events.size() - 1).getEventCase());
        assertEquals(2, events.stream().filter(ExplainEvent::hasAttentionMap).count());
    }

    @Test
    void classify_batchOfImages_perImageErrors() {
        ClassifyResponse r =
                ts.blocking.classify(
                        ClassifyRequest.newBuilder()
                                .addImages(TestServer.tensor(img0))
                                .addImages(
                                        ImageInput.newBuilder()
                                                .setEncoded(
                                                        com.google.protobuf.ByteString.copyFromUtf8(
                                                                "not an image")))
                                .addImages(TestServer.tensor(TestServer.goldenInput(1)))
                                .setTopK(3)
                                .build());
        assertEquals(3, r.getResultsCount());
        assertEquals(
                reference.prediction().targets()[0],
                r.getResults(0).getClassification().getTopClasses(0).getClassId());
        assertEquals(3, r.getResults(0).getClassification().getTopClassesCount());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.getResults(1).getError().getCode());
        assertTrue(
                r.getResults(1).getError().getMessage().contains("not a PNG or JPEG"),
                r.getResults(1).getError().getMessage());
        assertTrue(r.getResults(2).hasClassification());
    }

    @Test
    void models_listAndDescribe() {
        assertEquals(
                "narrow",
                ts.blocking.listModels(ListModelsRequest.getDefaultInstance()).getDefaultModel());
        ModelDescription d = ts.blocking.describeModel(DescribeModelRequest.getDefaultInstance());
        assertEquals(13, d.getFeatureLayersCount());
        assertEquals("relu1_1", d.getFeatureLayers(0).getName());
        assertEquals("features.1", d.getFeatureLayers(0).getModulePath());
        assertEquals(224, d.getFeatureLayers(0).getHeight());
        assertEquals(14, d.getFeatureLayers(12).getHeight());
        assertEquals(10, d.getLabelsCount());
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                ts.blocking.describeModel(
                                        DescribeModelRequest.newBuilder()
                                                .setModel("nope")
                                                .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
}
