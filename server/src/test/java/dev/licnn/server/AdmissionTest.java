package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.BaselineOptions;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ImageSize;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests that each pass validation but ask too much: every one is refused before any image is
 * decoded or any work queued, with RESOURCE_EXHAUSTED and a message naming its figure and the
 * limit, and the server goes on serving.
 */
class AdmissionTest {

    private static final float[] IMG = TestServer.goldenInput(1);

    /** Bytes that fail to decode: a request refused with them was never decoded. */
    private static final ImageInput UNDECODABLE =
            ImageInput.newBuilder().setEncoded(ByteString.copyFromUtf8("not an image")).build();

    private static ExplainRequest light() {
        return ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(1).build();
    }

    private static Status explainStatus(TestServer ts, ExplainRequest r) {
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> FaultContractTest.drain(ts.blocking.explain(r)));
        return e.getStatus();
    }

    @Test
    void classifyOverTheImageCap_isRefusedBeforeDecoding_andTheServerServesOn() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            ClassifyRequest.Builder r = ClassifyRequest.newBuilder();
            for (int i = 0; i < RequestLimits.DEFAULT_MAX_CLASSIFY_IMAGES + 1; i++) {
                r.addImages(UNDECODABLE);
            }
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class, () -> ts.blocking.classify(r.build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("65 images")
                            && e.getStatus().getDescription().contains("limit of 64"),
                    e.getStatus().getDescription());
            // at the cap, each image is decoded and answered on its own
            ClassifyRequest.Builder atCap = ClassifyRequest.newBuilder();
            atCap.addImages(TestServer.tensor(IMG));
            atCap.addImages(UNDECODABLE);
            var ok = ts.blocking.classify(atCap.build());
            assertTrue(ok.getResults(0).hasClassification());
            assertEquals(
                    Status.Code.INVALID_ARGUMENT.value(), ok.getResults(1).getError().getCode());
        }
    }

    @Test
    void integratedGradientsOverTheCostCeiling_isRefusedWithItsCost() throws Exception {
        try (TestServer ts =
                new TestServer(
                        b -> b.optRequestLimits(RequestLimits.defaults(64).withMaxCost(100)))) {
            ExplainRequest ig =
                    ExplainRequest.newBuilder()
                            .setImage(
                                    ImageInput.newBuilder()
                                            .setEncoded(ByteString.copyFromUtf8("x")))
                            .setMethod(ExplainMethod.EXPLAIN_METHOD_INTEGRATED_GRADIENTS)
                            .setBaselineOptions(BaselineOptions.newBuilder().setIgSteps(64))
                            .setTopK(2)
                            .build();
            Status s = explainStatus(ts, ig);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
            assertTrue(
                    s.getDescription().contains("256 forward passes")
                            && s.getDescription().contains("2 class(es) x 64 steps")
                            && s.getDescription().contains("limit of 100"),
                    s.getDescription());
            // LICNN with 10 classes costs 21: admitted
            assertTrue(
                    FaultContractTest.drain(
                                    ts.blocking.explain(light().toBuilder().setTopK(10).build()))
                            .get(0)
                            .hasAccepted());
        }
    }

    @Test
    void mapsOverTheByteCeiling_areRefusedWithTheirBytes() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            ExplainRequest.Builder r =
                    ExplainRequest.newBuilder()
                            .setImage(UNDECODABLE)
                            .setTopK(10)
                            .setOutputSize(ImageSize.newBuilder().setHeight(1000).setWidth(1000));
            for (MapKind k :
                    new MapKind[] {
                        MapKind.MAP_KIND_GRADIENT_MAX_C,
                        MapKind.MAP_KIND_INHIBITION,
                        MapKind.MAP_KIND_SUPPRESSION_MASK,
                        MapKind.MAP_KIND_RESPONSE_BEFORE,
                        MapKind.MAP_KIND_RESPONSE_AFTER
                    }) {
                r.addLayerMapKinds(k);
            }
            Status s = explainStatus(ts, r.build());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
            // (1 saliency + 10 attention + 5 kinds x 13 layers x 10 classes) x 10^6 x 4 bytes
            assertTrue(s.getDescription().contains("2644000000 bytes"), s.getDescription());
        }
    }

    @Test
    void classifyWithMoreImagesThanQueueRoom_isRefusedWhole() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(b -> gate.install(b.optMaxBatchSize(1).optMaxQueueSize(2)))) {
            Background busy =
                    Background.start(
                            "busy", () -> FaultContractTest.drain(ts.blocking.explain(light())));
            gate.awaitHeld(1);
            ClassifyRequest.Builder r = ClassifyRequest.newBuilder();
            for (int i = 0; i < 3; i++) {
                r.addImages(UNDECODABLE);
            }
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class, () -> ts.blocking.classify(r.build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("room for 2 jobs"),
                    e.getStatus().getDescription());
            assertEquals(0, ts.server.pool().queueDepth());
            gate.open();
            busy.join();
        }
    }

    @Test
    void streamOverItsInFlightCap_refusesTheExtraRequestOnly() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(
                        b ->
                                gate.install(
                                        b.optMaxBatchSize(1)
                                                .optRequestLimits(
                                                        RequestLimits.defaults(64)
                                                                .withMaxStreamInFlight(2))))) {
            List<ExplainStreamEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            StreamObserver<ExplainStreamRequest> in =
                    ts.async.explainStream(
                            new StreamObserver<>() {
                                @Override
                                public void onNext(ExplainStreamEvent e) {
                                    events.add(e);
                                }

                                @Override
                                public void onError(Throwable t) {
                                    done.countDown();
                                }

                                @Override
                                public void onCompleted() {
                                    done.countDown();
                                }
                            });
            for (String id : List.of("r1", "r2", "r3")) {
                in.onNext(
                        ExplainStreamRequest.newBuilder()
                                .setRequestId(id)
                                .setRequest(light())
                                .build());
            }
            gate.awaitHeld(1);
            FaultContractTest.await(
                    "r3's refusal",
                    WorkerGate.HANG_GUARD,
                    () -> events.stream().anyMatch(ExplainStreamEvent::hasFailed));
            gate.open();
            in.onCompleted();
            assertTrue(done.await(WorkerGate.HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
            ExplainStreamEvent failed =
                    events.stream().filter(ExplainStreamEvent::hasFailed).findFirst().orElseThrow();
            assertEquals("r3", failed.getRequestId());
            assertEquals(
                    Status.Code.RESOURCE_EXHAUSTED.value(),
                    failed.getFailed().getStatus().getCode());
            assertTrue(failed.getFailed().getStatus().getMessage().contains("per-stream limit"));
            for (String id : List.of("r1", "r2")) {
                assertTrue(
                        events.stream()
                                .anyMatch(
                                        e ->
                                                e.getRequestId().equals(id)
                                                        && e.getEvent().hasCompleted()),
                        id + " completes");
            }
        }
    }

    @Test
    void serverMaximumDeadline_endsACallWithoutClientDeadline() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(
                        b ->
                                gate.install(
                                        b.optRequestLimits(
                                                RequestLimits.defaults(64)
                                                        .withMaxDeadline(
                                                                Duration.ofMillis(200)))))) {
            // the worker is held past the server's longest call: the call ends, the client did
            // not set a deadline
            Status s = explainStatus(ts, light());
            assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getCode());
            gate.open();
        }
    }

    @Test
    void describeModel_reportsTheLimits() throws Exception {
        try (TestServer ts =
                new TestServer(
                        b ->
                                b.optMaxQueueSize(10)
                                        .optRequestLimits(
                                                RequestLimits.defaults(10)
                                                        .withMaxCost(500)
                                                        .withMaxDeadline(
                                                                Duration.ofSeconds(90))))) {
            ModelDescription d =
                    ts.blocking.describeModel(DescribeModelRequest.getDefaultInstance());
            assertEquals(500, d.getLimits().getMaxRequestCost());
            assertEquals(90, d.getLimits().getMaxDeadline().getSeconds());
            assertEquals(64, d.getLimits().getMaxClassifyImages());
            assertEquals(256L << 20, d.getLimits().getMaxRequestMapBytes());
            assertEquals(32, d.getLimits().getMaxStreamInFlight());
            assertEquals(5, d.getLimits().getMaxQueuedPerClient());
        }
    }
}
