package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The server's unauthenticated edges: health on its own thread and with a bounded service name,
 * reflection under both versions, no server paths in model descriptions, compressed requests over
 * the limit, the bounded RPC queue and rate-limited log lines.
 */
class ServerEdgesTest {

    private static HealthCheckRequest health(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }

    @Test
    void health_answersWhileEveryRpcThreadIsBusy() throws Exception {
        try (TestServer ts = new TestServer(b -> b.optRpcThreads(1))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            ts.server
                    .threads()
                    .rpc()
                    .execute(
                            () -> {
                                busy.countDown();
                                try {
                                    release.await(2, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            assertTrue(busy.await(30, TimeUnit.SECONDS));
            try {
                // Behind the busy RPC thread this would wait until the deadline.
                HealthCheckResponse r =
                        HealthGrpc.newBlockingStub(ts.channel)
                                .withDeadlineAfter(30, TimeUnit.SECONDS)
                                .check(health(LicnnServer.SERVICE_NAME));
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void health_refusesServiceNamesPastTheCap_andAnswersTheOthers() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            var stub = HealthGrpc.newBlockingStub(ts.channel);
            String atCap = "x".repeat(HealthGuard.MAX_SERVICE_NAME);
            StatusRuntimeException unknown =
                    assertThrows(StatusRuntimeException.class, () -> stub.check(health(atCap)));
            assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
            StatusRuntimeException tooLong =
                    assertThrows(
                            StatusRuntimeException.class, () -> stub.check(health(atCap + "x")));
            assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.getStatus().getCode());
            // A Watch with such a name ends at once instead of holding the name.
            Iterator<HealthCheckResponse> watch = stub.watch(health("y".repeat(1 << 20)));
            StatusRuntimeException w = assertThrows(StatusRuntimeException.class, watch::next);
            assertEquals(Status.Code.INVALID_ARGUMENT, w.getStatus().getCode());
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING, stub.check(health("")).getStatus());
        }
    }

    /** The services a v1alpha reflection client lists, or the status it failed with. */
    private static Object listServicesV1alpha(ManagedChannel ch) throws Exception {
        CompletableFuture<Object> out = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> req =
                ServerReflectionGrpc.newStub(ch)
                        .serverReflectionInfo(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(ServerReflectionResponse r) {
                                        out.complete(
                                                r
                                                        .getListServicesResponse()
                                                        .getServiceList()
                                                        .stream()
                                                        .map(ServiceResponse::getName)
                                                        .collect(Collectors.toSet()));
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        out.complete(Status.fromThrowable(t).getCode());
                                    }

                                    @Override
                                    public void onCompleted() {}
                                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        return out.get(30, TimeUnit.SECONDS);
    }

    @Test
    void reflectionV1alpha_listsTheServices_underTheSamePolicy() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            Object names = listServicesV1alpha(ts.channel);
            assertTrue(names instanceof Set<?>, String.valueOf(names));
            Set<?> set = (Set<?>) names;
            assertTrue(set.contains(LicnnServer.SERVICE_NAME), set.toString());
            assertTrue(set.contains(HealthGrpc.SERVICE_NAME), set.toString());
            assertTrue(set.contains("grpc.reflection.v1alpha.ServerReflection"), set.toString());
        }
        try (TestServer ts = new TestServer(b -> b.optReflection(ReflectionAccess.OFF))) {
            assertEquals(Status.Code.UNIMPLEMENTED, listServicesV1alpha(ts.channel));
        }
    }

    @Test
    void describeModel_showsClientsNoServerPaths() throws Exception {
        ModelCard bundled = ModelCard.load(TestServer.bundledModelDir());
        String dir = TestServer.bundledModelDir().toAbsolutePath().toString();
        assertTrue(bundled.weightsDescription().contains(dir), bundled.weightsDescription());
        try (TestServer ts = new TestServer(b -> b.setModels(new ServedModels(List.of(bundled))))) {
            var d =
                    ts.blocking.describeModel(
                            DescribeModelRequest.newBuilder().setModel(bundled.name()).build());
            assertFalse(d.toString().contains(dir), d.getWeights());
            assertFalse(d.getWeights().contains("/"), d.getWeights());
            assertEquals("file weights.safetensors", d.getWeights());
            assertFalse(
                    ts.blocking
                            .listModels(ListModelsRequest.getDefaultInstance())
                            .toString()
                            .contains(dir));
        }
        // A random model says so, with its seed; a trained one shows its file's name alone.
        String random = ModelDescriptions.clientWeights(BundledModels.random("vgg16"));
        assertTrue(random.startsWith("random") && random.contains("seed"), random);
        String golden = ModelDescriptions.clientWeights(TestServer.narrowCard());
        assertTrue(golden.startsWith("file ") && !golden.contains("/"), golden);
    }

    @Test
    void gzipRequestInflatingPastTheLimit_getsResourceExhausted_andTheServerServesOn()
            throws Exception {
        LicnnServer server =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(TestServer.narrowCard())))
                        .optWarmUp(false)
                        .optMaxInboundMessageBytes(64 << 10)
                        .build();
        server.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
        ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            // 1 MiB of zeros: about a kilobyte on the wire, sixteen times the limit once inflated.
            ExplainRequest bomb =
                    ExplainRequest.newBuilder()
                            .setImage(
                                    ImageInput.newBuilder()
                                            .setEncoded(ByteString.copyFrom(new byte[1 << 20])))
                            .build();
            var stub =
                    LicnnServiceGrpc.newBlockingStub(ch)
                            .withCompression("gzip")
                            .withDeadlineAfter(30, TimeUnit.SECONDS);
            StatusRuntimeException e =
                    assertThrows(StatusRuntimeException.class, () -> stub.explain(bomb).next());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
            // A small compressed request still gets through, and so do plain ones.
            assertEquals(
                    1, stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsCount());
            assertEquals(
                    1,
                    LicnnServiceGrpc.newBlockingStub(ch)
                            .listModels(ListModelsRequest.getDefaultInstance())
                            .getModelsCount());
        } finally {
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void rpcQueue_refusesPastItsBound_andDropsLateCallbacksAfterClose() throws Exception {
        AtomicLong lines = new AtomicLong();
        AtomicLong clock = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(10, clock::get);
        ServerThreads threads = new ServerThreads(1, 2, log);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try {
            threads.rpc()
                    .execute(
                            () -> {
                                running.countDown();
                                try {
                                    release.await(2, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            threads.rpc().execute(() -> {});
            threads.rpc().execute(() -> {});
            RejectedExecutionException e =
                    assertThrows(
                            RejectedExecutionException.class,
                            () -> threads.rpc().execute(() -> {}));
            assertTrue(e.getMessage().contains("2 callbacks"), e.getMessage());
            assertEquals(1, threads.refused());
        } finally {
            release.countDown();
            threads.close();
        }
        threads.rpc().execute(() -> lines.incrementAndGet()); // dropped, not thrown
        assertEquals(0, lines.get());
    }

    @Test
    void rateLimitedLog_writesOneLinePerInterval_carryingTheCount() {
        AtomicLong clock = new AtomicLong(1_000);
        RateLimitedLog log = new RateLimitedLog(100, clock::get);
        List<Long> lines = new java.util.ArrayList<>();
        assertTrue(log.log(lines::add), "the first event is written");
        for (int i = 0; i < 5; i++) {
            assertFalse(log.log(lines::add));
        }
        clock.addAndGet(99);
        assertFalse(log.log(lines::add));
        clock.addAndGet(1);
        assertTrue(log.log(lines::add));
        assertEquals(List.of(1L, 7L), lines);
    }

    @Test
    void workerDevices_areParsedOnce_andBadNamesSaySo() {
        WorkerSpec w = WorkerSpec.parse("cuda:1@2", 3);
        assertEquals("cuda-1-3", w.name());
        assertEquals(ai.djl.Device.gpu(1), w.engineDevice());
        assertEquals(2, w.threads());
        assertEquals(ai.djl.Device.cpu(), WorkerSpec.parse("cpu", 0).engineDevice());
        for (String bad : List.of("tpu", "cuda:", "cuda:x", "gpu:-1")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> WorkerSpec.parse(bad, 0));
            assertTrue(e.getMessage().contains("unknown device"), e.getMessage());
        }
    }

    @Test
    void reflectionLoopbackPolicy_treatsAnUnknownPeerAsRemote() {
        assertFalse(ReflectionAccess.isLocal(null));
        assertTrue(ReflectionAccess.isLocal(new io.grpc.inprocess.InProcessSocketAddress("x")));
    }

    @Test
    void clientTextInLogs_isEscapedAndCut() {
        assertEquals(
                "unknown model \\\"a\\nb\\u001b[31m\\\"",
                LogText.clip("unknown model \"a\nb\u001b[31m\""));
        String huge = "m".repeat(3 << 20);
        String clipped = LogText.clip(huge);
        assertTrue(clipped.length() < LogText.MAX_CHARS + 40, clipped.length() + " chars");
        assertTrue(clipped.endsWith("...(" + huge.length() + " chars)"), clipped);
        assertEquals("null", LogText.clip(null));
    }

    @Test
    void close_waitsOutTheShutdownDelayWithoutHoldingTheServersLock() throws Exception {
        CountDownLatch inDelay = new CountDownLatch(1);
        CountDownLatch endDelay = new CountDownLatch(1);
        TestServer ts =
                new TestServer(
                        b ->
                                b.optShutdownDelay(java.time.Duration.ofSeconds(5))
                                        .delayWait(
                                                d -> {
                                                    inDelay.countDown();
                                                    endDelay.await(2, TimeUnit.MINUTES);
                                                }));
        CompletableFuture<Void> first = CompletableFuture.runAsync(ts.server::close);
        try {
            assertTrue(inDelay.await(30, TimeUnit.SECONDS));
            // The server's lock is free while the delay runs: these return at once.
            assertEquals(
                    -1,
                    CompletableFuture.supplyAsync(ts.server::metricsPort)
                            .get(30, TimeUnit.SECONDS));
            CompletableFuture<Void> second = CompletableFuture.runAsync(ts.server::close);
            assertFalse(first.isDone());
            assertFalse(second.isDone(), "a second close waits for the first to end");
            endDelay.countDown();
            first.get(60, TimeUnit.SECONDS);
            second.get(60, TimeUnit.SECONDS);
        } finally {
            endDelay.countDown();
            ts.close();
        }
    }
}
