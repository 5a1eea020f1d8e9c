package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.LayerMap;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.Prediction;
import dev.licnn.proto.v1.SaliencyMap;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LicnnClientTest {
    private static final long WAIT_S = 10;
    private static final ExplainRequest REQUEST =
            Requests.explain(Requests.image(new byte[] {1, 2, 3})).setTopK(3).build();

    private final InProcessFixture fixture = new InProcessFixture();
    private final FakeLicnnService fake = new FakeLicnnService();
    private LicnnClient client;

    @BeforeEach
    void setUp() throws Exception {
        client = fixture.client(fixture.start(fake));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    /** Records listener calls in order; completes when the call ends. */
    private static final class Recorder implements ExplainListener {
        final OutcomeCollector collector = new OutcomeCollector();
        final List<String> order = new ArrayList<>();
        final CompletableFuture<ExplainOutcome> done = new CompletableFuture<>();
        final CompletableFuture<Void> accepted = new CompletableFuture<>();

        @Override
        public void onAccepted(Accepted a) {
            order.add("accepted");
            collector.onAccepted(a);
            accepted.complete(null);
        }

        @Override
        public void onPrediction(Prediction p) {
            order.add("prediction");
            collector.onPrediction(p);
        }

        @Override
        public void onLayerMap(LayerMap m) {
            order.add("layer" + m.getTargetIndex());
            collector.onLayerMap(m);
        }

        @Override
        public void onAttention(AttentionMap m) {
            order.add("attention" + m.getTargetIndex());
            collector.onAttention(m);
        }

        @Override
        public void onSaliency(SaliencyMap m) {
            order.add("saliency");
            collector.onSaliency(m);
        }

        @Override
        public void onInhibitedRanking(InhibitedRanking r) {
            order.add("ranking");
            collector.onInhibitedRanking(r);
        }

        @Override
        public void onCompleted(Completed c) {
            order.add("completed");
            collector.onCompleted(c);
            done.complete(collector.build());
        }

        @Override
        public void onError(Status status) {
            done.completeExceptionally(status.asRuntimeException());
        }
    }

    @Test
    void allThreeCallStyles_returnTheSameDecodedData() throws Exception {
        ExplainOutcome viaFuture = client.explainAsync(REQUEST).get(WAIT_S, TimeUnit.SECONDS);
        ExplainOutcome viaIterator;
        try (EventStream events = client.explainEvents(REQUEST)) {
            viaIterator = ExplainOutcome.collect(events);
        }
        Recorder recorder = new Recorder();
        client.explain(REQUEST, recorder);
        ExplainOutcome viaListener = recorder.done.get(WAIT_S, TimeUnit.SECONDS);

        assertEquals(
                List.of(
                        "accepted",
                        "prediction",
                        "layer0",
                        "attention0",
                        "layer1",
                        "attention1",
                        "layer2",
                        "attention2",
                        "saliency",
                        "ranking",
                        "completed"),
                recorder.order);
        for (ExplainOutcome o : List.of(viaFuture, viaIterator, viaListener)) {
            assertEquals(3, o.prediction().getTargetsCount());
            assertEquals(3, o.attentionMaps().size());
            assertEquals(TestMaps.pattern(8, 8, 2), encodeBack(o.attentionMap(2)));
            assertEquals(DecodedMap.decode(TestMaps.pattern(8, 8, 0.25f)), o.saliency());
            assertEquals(
                    DecodedMap.decode(TestMaps.pattern(4, 4, -1)),
                    o.layerMap(1, 3, MapKind.MAP_KIND_SUPPRESSION_MASK));
            assertNull(o.layerMap(1, 4, MapKind.MAP_KIND_SUPPRESSION_MASK));
            assertEquals(3, o.inhibitedRanking().getRankingsCount());
            assertEquals("fake-0", o.completed().getWorker());
        }
        assertEquals(viaFuture.attentionMaps(), viaIterator.attentionMaps());
        assertEquals(viaFuture.attentionMaps(), viaListener.attentionMaps());
        assertEquals(viaFuture.layerMaps(), viaIterator.layerMaps());
        assertEquals(viaFuture.layerMaps(), viaListener.layerMaps());
        assertEquals(viaFuture.saliency(), viaListener.saliency());
    }

    private static dev.licnn.proto.v1.MapData encodeBack(DecodedMap m) {
        return TestMaps.float32(m.height(), m.width(), m.values());
    }

    @Test
    void serverError_reachesEveryCallStyle() throws Exception {
        fake.explainFailure = Status.NOT_FOUND.withDescription("unknown model");

        ExecutionException e =
                assertThrows(
                        ExecutionException.class,
                        () -> client.explainAsync(REQUEST).get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(e.getCause()).getCode());

        try (EventStream events = client.explainEvents(REQUEST)) {
            StatusRuntimeException s = assertThrows(StatusRuntimeException.class, events::hasNext);
            assertEquals(Status.Code.NOT_FOUND, s.getStatus().getCode());
            assertFalse(events.hasNext());
        }

        Recorder recorder = new Recorder();
        client.explain(REQUEST, recorder);
        e =
                assertThrows(
                        ExecutionException.class,
                        () -> recorder.done.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals("unknown model", Status.fromThrowable(e.getCause()).getDescription());
    }

    @Test
    void cancellingListenerHandle_cancelsServerCall() throws Exception {
        fake.hangAfterAccepted = true;
        Recorder recorder = new Recorder();
        ExplainCall call = client.explain(REQUEST, recorder);
        recorder.accepted.get(WAIT_S, TimeUnit.SECONDS);

        call.cancel();

        fake.cancelled.get(WAIT_S, TimeUnit.SECONDS);
        ExecutionException e =
                assertThrows(
                        ExecutionException.class,
                        () -> recorder.done.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode());
    }

    @Test
    void cancellingFuture_cancelsServerCall() throws Exception {
        fake.hangAfterAccepted = true;
        CompletableFuture<ExplainOutcome> future = client.explainAsync(REQUEST);
        fake.hanging.get(WAIT_S, TimeUnit.SECONDS);

        assertTrue(future.cancel(true));

        fake.cancelled.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void closingEventStream_cancelsServerCall() throws Exception {
        fake.hangAfterAccepted = true;
        EventStream events = client.explainEvents(REQUEST);
        assertTrue(events.next().hasAccepted());

        events.close();

        fake.cancelled.get(WAIT_S, TimeUnit.SECONDS);
        assertFalse(events.hasNext());
    }

    @Test
    void throwingListener_cancelsCallAndReportsCancelled() throws Exception {
        CompletableFuture<Status> error = new CompletableFuture<>();
        client.explain(
                REQUEST,
                new ExplainListener() {
                    @Override
                    public void onPrediction(Prediction p) {
                        throw new IllegalStateException("boom");
                    }

                    @Override
                    public void onError(Status status) {
                        error.complete(status);
                    }
                });
        Status status = error.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(Status.Code.CANCELLED, status.getCode());
        assertTrue(status.getCause() instanceof IllegalStateException);
    }

    @Test
    void unaryCalls_returnServerResponses() throws Exception {
        ClassifyResponse r =
                client.classify(
                        List.of(Requests.image(new byte[] {1}), Requests.image(new byte[] {2})), 3);
        assertEquals(2, r.getResultsCount());
        assertEquals(3, r.getResults(1).getClassification().getTopClassesCount());
        ClassifyResponse async =
                client.classifyAsync(List.of(Requests.image(new byte[] {1})), 1)
                        .get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, async.getResultsCount());
        assertEquals("fake-vgg", client.listModels().getDefaultModel());
        assertEquals(1000, client.describeModel("").getNumClasses());
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> client.describeModel(FakeLicnnService.MISSING_MODEL));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void closingClientOnBorrowedChannel_leavesChannelOpen() {
        client.close();
        assertNotNull(client.listModels());
    }

    @Test
    void eventStream_nextOnFinishedStreamThrows() {
        EventStream events = client.explainEvents(REQUEST);
        List<ExplainEvent> all = new ArrayList<>();
        events.forEachRemaining(all::add);
        assertTrue(all.get(all.size() - 1).hasCompleted());
        assertThrows(java.util.NoSuchElementException.class, events::next);
    }
}
