package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.MapKind;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Streaming, batching, cancellation, deadlines, back-pressure and shutdown. */
class ServerBehaviourTest {

    private static final float[] IMG = TestServer.goldenInput(1);

    /** A request that keeps a worker busy for a while: all classes, every map kind. */
    private static ExplainRequest heavy() {
        ExplainRequest.Builder b =
                ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(10);
        for (MapKind k :
                new MapKind[] {
                    MapKind.MAP_KIND_GRADIENT_MAX_C,
                    MapKind.MAP_KIND_INHIBITION,
                    MapKind.MAP_KIND_SUPPRESSION_MASK,
                    MapKind.MAP_KIND_RESPONSE_BEFORE,
                    MapKind.MAP_KIND_RESPONSE_AFTER
                }) {
            b.addLayerMapKinds(k);
        }
        return b.build();
    }

    private static ExplainRequest light() {
        return ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(1).build();
    }

    private static List<ExplainEvent> drain(Iterator<ExplainEvent> it) {
        List<ExplainEvent> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void await(String what, java.util.function.BooleanSupplier cond)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void explainStream_eventsCarryIds_badRequestFailsAlone_streamEndsOk() throws Exception {
        try (TestServer ts = new TestServer(b -> b.optMaxBatchSize(4))) {
            Map<String, List<ExplainStreamEvent>> byId = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Throwable> error = new AtomicReference<>();
            StreamObserver<ExplainStreamRequest> req =
                    ts.async.explainStream(
                            new StreamObserver<>() {
                                @Override
                                public void onNext(ExplainStreamEvent e) {
                                    byId.computeIfAbsent(
                                                    e.getRequestId(),
                                                    k ->
                                                            Collections.synchronizedList(
                                                                    new ArrayList<>()))
                                            .add(e);
                                }

                                @Override
                                public void onError(Throwable t) {
                                    error.set(t);
                                    done.countDown();
                                }

                                @Override
                                public void onCompleted() {
                                    done.countDown();
                                }
                            });
            req.onNext(
                    ExplainStreamRequest.newBuilder()
                            .setRequestId("a")
                            .setRequest(light())
                            .build());
            req.onNext(
                    ExplainStreamRequest.newBuilder()
                            .setRequestId("bad")
                            .setRequest(light().toBuilder().setTopK(99))
                            .build());
            req.onNext(
                    ExplainStreamRequest.newBuilder()
                            .setRequestId("b")
                            .setRequest(light())
                            .build());
            req.onNext(
                    ExplainStreamRequest.newBuilder().setRequestId("").setRequest(light()).build());
            req.onCompleted();
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertEquals(null, error.get());
            for (String id : List.of("a", "b")) {
                List<ExplainStreamEvent> ev = byId.get(id);
                assertEquals(ExplainEvent.EventCase.ACCEPTED, ev.get(0).getEvent().getEventCase());
                assertEquals(
                        ExplainEvent.EventCase.COMPLETED,
                        ev.get(ev.size() - 1).getEvent().getEventCase());
            }
            ExplainStreamEvent bad = byId.get("bad").get(0);
            assertTrue(bad.hasFailed());
            assertEquals(
                    Status.Code.INVALID_ARGUMENT.value(), bad.getFailed().getStatus().getCode());
            assertTrue(byId.get("").get(0).hasFailed());
        }
    }

    @Test
    void concurrentRequests_formBatches() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(
                        b ->
                                gate.install(
                                        b.optMaxBatchSize(4)
                                                .optMaxQueueDelay(Duration.ofMillis(20))))) {
            List<Background> clients = new ArrayList<>();
            List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 6; i++) {
                clients.add(
                        Background.start(
                                "client-" + i,
                                () -> {
                                    List<ExplainEvent> ev = drain(ts.blocking.explain(light()));
                                    batchSizes.add(
                                            ev.get(ev.size() - 1).getCompleted().getBatchSize());
                                }));
            }
            // While the first batch is held, the others wait together in the queue: whatever the
            // machine's speed, the next batch is taken from several queued requests.
            gate.awaitHeld(1);
            await(
                    "the other requests to be queued",
                    () -> ts.server.pool().inFlight() + ts.server.pool().queueDepth() == 6);
            gate.open();
            for (Background t : clients) {
                t.join();
            }
            assertEquals(6, batchSizes.size());
            assertTrue(
                    ts.server.metrics().maxBatchSize() > 1,
                    "batch sizes seen by clients: " + batchSizes);
            assertTrue(batchSizes.stream().anyMatch(s -> s > 1), "batch sizes: " + batchSizes);
        }
    }

    @Test
    void cancelMidStream_freesTheWorker() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            Context.CancellableContext ctx = Context.current().withCancellation();
            Iterator<ExplainEvent> it = ctx.call(() -> ts.blocking.explain(heavy()));
            assertEquals(ExplainEvent.EventCase.ACCEPTED, it.next().getEventCase());
            assertEquals(ExplainEvent.EventCase.PREDICTION, it.next().getEventCase());
            ctx.cancel(null);
            await(
                    "explain to end as CANCELLED",
                    () -> ts.server.metrics().requestCount("Explain", "CANCELLED") == 1);
            await("worker to be free", () -> ts.server.pool().inFlight() == 0);
            List<ExplainEvent> ev = drain(ts.blocking.explain(light()));
            assertEquals(ExplainEvent.EventCase.COMPLETED, ev.get(ev.size() - 1).getEventCase());
        }
    }

    @Test
    void deadlinePassingInQueue_leavesTheQueue() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts = new TestServer(b -> gate.install(b.optMaxBatchSize(1)))) {
            Background busy = Background.start("busy", () -> drain(ts.blocking.explain(heavy())));
            gate.awaitHeld(1);
            // The worker stays busy (held) until the request's deadline has passed.
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    drain(
                                            ts.blocking
                                                    .withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                                                    .explain(light())));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            await("queue to empty", () -> ts.server.pool().queueDepth() == 0);
            gate.open();
            busy.join();
            await("worker to be free", () -> ts.server.pool().inFlight() == 0);
            // Only the heavy request ever ran.
            assertEquals(1, ts.server.metrics().requestCount("Explain", "OK"));
            assertEquals(1.0, ts.server.metrics().batchCount("explain"));
        }
    }

    @Test
    void queueFull_rejectsWithResourceExhausted() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(b -> gate.install(b.optMaxBatchSize(1).optMaxQueueSize(1)))) {
            Background busy = Background.start("busy", () -> drain(ts.blocking.explain(heavy())));
            gate.awaitHeld(1);
            Background queued =
                    Background.start("queued", () -> drain(ts.blocking.explain(light())));
            await("one queued request", () -> ts.server.pool().queueDepth() == 1);
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> drain(ts.blocking.explain(light())));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("1"), e.getStatus().getDescription());
            gate.open();
            busy.join();
            queued.join();
            await(
                    "both requests to be counted",
                    () -> ts.server.metrics().requestCount("Explain", "OK") == 2);
        }
    }

    @Test
    void slowReader_hitsItsBudget_otherStreamsUnaffected() throws Exception {
        try (TestServer ts =
                new TestServer(b -> b.optMaxBatchSize(2).optStreamBudgetBytes(8 << 20))) {
            CountDownLatch slowDone = new CountDownLatch(1);
            AtomicReference<Status> slowStatus = new AtomicReference<>();
            ts.async.explain(
                    heavy(),
                    new ClientResponseObserver<ExplainRequest, ExplainEvent>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<ExplainRequest> call) {
                            call.disableAutoRequestWithInitial(1);
                        }

                        @Override
                        public void onNext(ExplainEvent e) {
                            // Reads one event, then never asks for more.
                        }

                        @Override
                        public void onError(Throwable t) {
                            slowStatus.set(Status.fromThrowable(t));
                            slowDone.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            slowStatus.set(Status.OK);
                            slowDone.countDown();
                        }
                    });
            List<ExplainEvent> fast = drain(ts.blocking.explain(heavy()));
            assertEquals(
                    ExplainEvent.EventCase.COMPLETED, fast.get(fast.size() - 1).getEventCase());
            assertTrue(slowDone.await(60, TimeUnit.SECONDS), "slow stream did not end");
            assertEquals(
                    Status.Code.RESOURCE_EXHAUSTED,
                    slowStatus.get().getCode(),
                    String.valueOf(slowStatus.get()));
            assertTrue(slowStatus.get().getDescription().contains("budget"));
        }
    }

    @Test
    void endToEnd_overLoopbackPort_withHealthAndMetrics() throws Exception {
        LicnnServer server =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(TestServer.narrowCard())))
                        .optWarmUp(false)
                        .optMetricsPort(0)
                        .build();
        server.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
        ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(ch)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            List<ExplainEvent> ev = drain(LicnnServiceGrpc.newBlockingStub(ch).explain(light()));
            assertEquals(ExplainEvent.EventCase.COMPLETED, ev.get(ev.size() - 1).getEventCase());
            java.net.http.HttpResponse<String> r =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.metricsPort()
                                                                    + "/metrics"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(
                    r.body().contains("licnn_requests_total{code=\"OK\",rpc=\"Explain\"} 1.0"),
                    r.body());
            assertTrue(r.body().contains("licnn_batch_size_bucket"));
        } finally {
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void gracefulShutdown_finishesInFlight_thenRefuses() throws Exception {
        WorkerGate gate = new WorkerGate();
        TestServer ts = new TestServer(b -> gate.install(b.optGrace(Duration.ofSeconds(120))));
        try {
            AtomicReference<List<ExplainEvent>> result = new AtomicReference<>();
            Background inFlight =
                    Background.start(
                            "in-flight", () -> result.set(drain(ts.blocking.explain(heavy()))));
            gate.awaitHeld(1);
            Background closer = Background.start("closer", ts.server::close);
            // The request is still held when the shutdown has begun (health no longer SERVING).
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ts.channel);
            await(
                    "the shutdown to begin",
                    () -> {
                        try {
                            return health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                                    != HealthCheckResponse.ServingStatus.SERVING;
                        } catch (StatusRuntimeException refused) {
                            return true;
                        }
                    });
            gate.open();
            inFlight.join();
            closer.join();
            assertNotNull(result.get());
            assertEquals(
                    ExplainEvent.EventCase.COMPLETED,
                    result.get().get(result.get().size() - 1).getEventCase());
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> drain(ts.blocking.explain(light())));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            gate.open();
            ts.close();
        }
    }
}
