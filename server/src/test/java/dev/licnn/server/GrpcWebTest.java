package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import dev.licnn.proto.v1.MapKind;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The same service over gRPC-Web (as a browser speaks it: HTTP/1.1, {@code
 * application/grpc-web+proto}): the same events, streamed one by one, cancellable, and the viewer's
 * assets beside it.
 */
class GrpcWebTest {

    private static final float[] IMG = TestServer.goldenInput(0);

    private static TestServer server(int maxBatch, Duration queueDelay) {
        return new TestServer(
                b ->
                        b.optMaxBatchSize(maxBatch)
                                .optMaxQueueDelay(queueDelay)
                                .optWebAddress(new InetSocketAddress("127.0.0.1", 0)));
    }

    /** Blocking and async stubs over gRPC-Web on HTTP/1.1, as a browser would call. */
    private static <T> T web(TestServer ts, Class<T> stub) {
        return GrpcClients.builder("h1c://127.0.0.1:" + ts.server.webPort())
                .serializationFormat(GrpcSerializationFormats.PROTO_WEB)
                .responseTimeout(Duration.ZERO)
                .maxResponseLength(0)
                .build(stub);
    }

    private static ExplainRequest withLayers() {
        return ExplainRequest.newBuilder()
                .setImage(TestServer.tensor(IMG))
                .setTopK(2)
                .addLayerMapKinds(MapKind.MAP_KIND_SUPPRESSION_MASK)
                .addLayerMapKinds(MapKind.MAP_KIND_RESPONSE_AFTER)
                .addLayerNames("relu1_1")
                .addLayerNames("relu5_3")
                .build();
    }

    private static List<ExplainEvent> drain(Iterator<ExplainEvent> it) {
        List<ExplainEvent> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void explainOverGrpcWeb_sendsTheEventsOfTheGrpcPort() throws Exception {
        try (TestServer ts = server(1, Duration.ZERO)) {
            List<ExplainEvent> grpc = drain(ts.blocking.explain(withLayers()));
            List<ExplainEvent> web =
                    drain(
                            web(ts, LicnnServiceGrpc.LicnnServiceBlockingStub.class)
                                    .explain(withLayers()));
            assertEquals(
                    grpc.stream().map(ExplainEvent::getEventCase).toList(),
                    web.stream().map(ExplainEvent::getEventCase).toList());
            assertEquals(2 * 2 * 2, web.stream().filter(ExplainEvent::hasLayerMap).count());
            ExplainEvent sg =
                    grpc.stream().filter(ExplainEvent::hasSaliencyMap).findFirst().orElseThrow();
            ExplainEvent sw =
                    web.stream().filter(ExplainEvent::hasSaliencyMap).findFirst().orElseThrow();
            assertArrayEquals(
                    sg.getSaliencyMap().getMap().getData().toByteArray(),
                    sw.getSaliencyMap().getMap().getData().toByteArray());
            // One worker pool and one set of metrics behind both ports.
            assertEquals(2, ts.server.metrics().requestCount("Explain", "OK"));
            assertEquals(2.0, ts.server.metrics().batchCount("explain"));
        }
    }

    @Test
    void grpcWebStream_deliversAcceptedWhileTheJobStillWaitsForItsBatch() throws Exception {
        // A worker waits up to a minute to fill a batch of two. The second request is sent only
        // once the
        // first one's `accepted` event has reached the client: if the web port held events back
        // until a
        // call ended, the two could never share a batch.
        try (TestServer ts = server(2, Duration.ofSeconds(60))) {
            LicnnServiceGrpc.LicnnServiceStub stub =
                    web(ts, LicnnServiceGrpc.LicnnServiceStub.class);
            CompletableFuture<List<ExplainEvent>> first = new CompletableFuture<>();
            CompletableFuture<Void> firstAccepted = new CompletableFuture<>();
            List<ExplainEvent> events = new ArrayList<>();
            stub.explain(
                    withLayers(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(ExplainEvent e) {
                            events.add(e);
                            if (e.hasAccepted()) {
                                firstAccepted.complete(null);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            first.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            first.complete(events);
                        }
                    });
            firstAccepted.get(30, TimeUnit.SECONDS);
            List<ExplainEvent> second =
                    drain(
                            web(ts, LicnnServiceGrpc.LicnnServiceBlockingStub.class)
                                    .explain(withLayers()));
            List<ExplainEvent> firstEvents = first.get(60, TimeUnit.SECONDS);
            assertEquals(2, second.get(second.size() - 1).getCompleted().getBatchSize());
            assertEquals(2, firstEvents.get(firstEvents.size() - 1).getCompleted().getBatchSize());
        }
    }

    @Test
    void cancelOverGrpcWeb_cancelsTheCallOnTheServer() throws Exception {
        try (TestServer ts = server(2, Duration.ofSeconds(60))) {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            web(ts, LicnnServiceGrpc.LicnnServiceStub.class)
                    .explain(
                            withLayers(),
                            new ClientResponseObserver<ExplainRequest, ExplainEvent>() {
                                private ClientCallStreamObserver<ExplainRequest> call;

                                @Override
                                public void beforeStart(
                                        ClientCallStreamObserver<ExplainRequest> c) {
                                    call = c;
                                }

                                @Override
                                public void onNext(ExplainEvent e) {
                                    if (e.hasAccepted()) {
                                        call.cancel("the user pressed Cancel", null);
                                    }
                                }

                                @Override
                                public void onError(Throwable t) {
                                    ended.complete(t);
                                }

                                @Override
                                public void onCompleted() {
                                    ended.complete(null);
                                }
                            });
            assertEquals(
                    Status.Code.CANCELLED,
                    Status.fromThrowable(ended.get(30, TimeUnit.SECONDS)).getCode());
            await(
                    "explain to end as CANCELLED",
                    () -> ts.server.metrics().requestCount("Explain", "CANCELLED") == 1);
            // The job never ran: nothing was computed for a client that has gone.
            assertEquals(0.0, ts.server.metrics().batchCount("explain"));
            assertEquals(0, ts.server.metrics().requestCount("Explain", "OK"));
        }
    }

    @Test
    void webPort_servesTheViewerAndItsSamples() throws Exception {
        try (TestServer ts = server(1, Duration.ZERO)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ts.server.webPort();
            HttpResponse<String> index =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode());
            assertTrue(
                    index.headers().firstValue("content-type").orElse("").startsWith("text/html"));
            assertTrue(index.body().contains("viewer.js"), "index.html loads the bundle");
            HttpResponse<String> js =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/viewer.js")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, js.statusCode());
            assertTrue(js.body().contains("application/grpc-web"), "the bundle speaks gRPC-Web");
            HttpResponse<String> manifest =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/samples/manifest.csv"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, manifest.statusCode());
            assertTrue(manifest.body().startsWith("file,class,class_id"), manifest.body());
            HttpResponse<byte[]> missing =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/no-such-file")).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(404, missing.statusCode());
            // The unary calls the viewer makes first work over the web port too.
            assertEquals(
                    "narrow",
                    web(ts, LicnnServiceGrpc.LicnnServiceBlockingStub.class)
                            .listModels(ListModelsRequest.getDefaultInstance())
                            .getDefaultModel());
        }
    }

    @Test
    void serveCommand_webPortIsOffByDefault_andBindsWhenGiven() throws Exception {
        ServeCommand off = new ServeCommand();
        new CommandLine(off).parseArgs("--metrics-port", "-1", "--no-warmup");
        assertEquals(-1, off.webPort);
        ServeCommand on = new ServeCommand();
        new CommandLine(on)
                .parseArgs(
                        "--host",
                        "127.0.0.1",
                        "--web-port",
                        "0",
                        "--metrics-port",
                        "-1",
                        "--no-warmup",
                        "--grace-seconds",
                        "1");
        LicnnServer server = on.build();
        try {
            server.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
            assertTrue(server.webPort() > 0, "web port " + server.webPort());
            HttpResponse<String> index =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.webPort()
                                                                    + "/"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode());
        } finally {
            server.close();
        }
    }
}
