package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.MapKind;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The contract under faults: cancellations, slow readers, overload, big messages, deadlines,
 * shutdown.
 */
class FaultContractTest {

    private static final float[] IMG = TestServer.goldenInput(1);

    /** Keeps a worker busy for a while: every class, every map kind. */
    static ExplainRequest heavy() {
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

    static ExplainRequest light() {
        return ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(1).build();
    }

    static List<ExplainEvent> drain(Iterator<ExplainEvent> it) {
        List<ExplainEvent> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    static void await(String what, Duration limit, BooleanSupplier cond)
            throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The value of an unlabelled gauge in the server's scrape. */
    static double gauge(TestServer ts, String name) {
        for (String line : ts.server.metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in the scrape");
    }

    /**
     * A request that the gate holds on the worker: busy until the gate opens, whatever the CPU's
     * speed.
     */
    private static Background busy(TestServer ts, WorkerGate gate) throws InterruptedException {
        int before = gate.held();
        Background b = Background.start("busy", () -> drain(ts.blocking.explain(light())));
        gate.awaitHeld(before + 1);
        assertEquals(1, ts.server.pool().inFlight());
        return b;
    }

    @Test
    void cancelledCalls_leaveQueueDepthAndInFlight_atOnce() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts = new TestServer(b -> gate.install(b.optMaxBatchSize(1)))) {
            Background busy = busy(ts, gate);
            for (int i = 0; i < 20; i++) {
                Context.CancellableContext ctx = Context.current().withCancellation();
                Iterator<ExplainEvent> it = ctx.call(() -> ts.blocking.explain(light()));
                assertEquals(ExplainEvent.EventCase.ACCEPTED, it.next().getEventCase());
                ctx.cancel(null);
            }
            // While the worker is still busy, nothing is left waiting.
            await(
                    "licnn_queue_depth 0",
                    Duration.ofSeconds(5),
                    () -> gauge(ts, "licnn_queue_depth") == 0);
            assertEquals(0, ts.server.pool().queueDepth());
            assertEquals(1, ts.server.pool().inFlight());
            gate.open();
            busy.join();
            await(
                    "licnn_in_flight 0",
                    Duration.ofSeconds(5),
                    () -> gauge(ts, "licnn_in_flight") == 0);
            assertEquals(0, gauge(ts, "licnn_queue_depth"));
        }
    }

    @Test
    void slowReader_isCountedAsResourceExhausted_withItsOwnReason() throws Exception {
        try (TestServer ts = new TestServer(b -> b.optStreamBudgetBytes(1 << 20))) {
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Status> status = new AtomicReference<>();
            ts.async.explain(
                    heavy(),
                    new ClientResponseObserver<ExplainRequest, ExplainEvent>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<ExplainRequest> call) {
                            call.disableAutoRequestWithInitial(1);
                        }

                        @Override
                        public void onNext(ExplainEvent e) {}

                        @Override
                        public void onError(Throwable t) {
                            status.set(Status.fromThrowable(t));
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            status.set(Status.OK);
                            done.countDown();
                        }
                    });
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertEquals(
                    Status.Code.RESOURCE_EXHAUSTED,
                    status.get().getCode(),
                    status.get().toString());
            await(
                    "the request to be counted",
                    Duration.ofSeconds(10),
                    () -> ts.server.metrics().requestCount("Explain", "RESOURCE_EXHAUSTED") == 1);
            assertEquals(0, ts.server.metrics().requestCount("Explain", "CANCELLED"));
            assertEquals(1, ts.server.metrics().rejectedCount("SLOW_READER"));
        }
    }

    @Test
    void deadlinePassingWhileRunning_isCountedAsDeadlineExceeded() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts = new TestServer(gate::install)) {
            // The gate keeps the request running until its deadline has passed. A loaded machine
            // may
            // need longer than the deadline to get the request to the worker at all (then it
            // expires in
            // the queue): the deadline doubles until a request was running when it passed.
            int attempts = 0;
            for (long ms = 200; gate.held() == 0; ms *= 2) {
                assertTrue(ms <= 100_000, "no request reached the worker before its deadline");
                long deadlineMs = ms;
                StatusRuntimeException e =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        drain(
                                                ts.blocking
                                                        .withDeadlineAfter(
                                                                deadlineMs, TimeUnit.MILLISECONDS)
                                                        .explain(light())));
                assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
                int n = ++attempts;
                // Counted, and either held on the worker or gone from the pool for good.
                await(
                        "the request to be counted",
                        Duration.ofSeconds(60),
                        () ->
                                ts.server.metrics().requestCount("Explain", "DEADLINE_EXCEEDED")
                                                == n
                                        && ts.server.pool().queueDepth() == 0
                                        && (gate.held() > 0 || ts.server.pool().inFlight() == 0));
            }
            gate.open();
            await(
                    "the worker to be free",
                    Duration.ofSeconds(60),
                    () -> ts.server.pool().inFlight() == 0);
            assertEquals(
                    attempts, ts.server.metrics().requestCount("Explain", "DEADLINE_EXCEEDED"));
            assertEquals(0, ts.server.metrics().requestCount("Explain", "CANCELLED"));
        }
    }

    @Test
    void queueFull_sendsNoAccepted_beforeResourceExhausted() throws Exception {
        WorkerGate gate = new WorkerGate();
        try (TestServer ts =
                new TestServer(b -> gate.install(b.optMaxBatchSize(1).optMaxQueueSize(1)))) {
            Background busy = busy(ts, gate);
            Background queued =
                    Background.start("queued", () -> drain(ts.blocking.explain(light())));
            await(
                    "one queued request",
                    Duration.ofSeconds(30),
                    () -> ts.server.pool().queueDepth() == 1);
            List<ExplainEvent> received = new ArrayList<>();
            Iterator<ExplainEvent> it = ts.blocking.explain(light());
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class, () -> it.forEachRemaining(received::add));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertEquals(List.of(), received, "a refused request is never accepted");
            gate.open();
            busy.join();
            queued.join();
        }
    }

    /** A server built by {@code serve} with these flags, on a loopback port. */
    private static LicnnServer serve(String... flags) throws Exception {
        return serve(b -> b, flags);
    }

    /** The same, with {@code extra} applied to the configuration the flags make. */
    private static LicnnServer serve(UnaryOperator<LicnnServer.Builder> extra, String... flags)
            throws Exception {
        ServeCommand cmd = new ServeCommand();
        List<String> args = new ArrayList<>(List.of(flags));
        if (!args.contains("--model") && !args.contains("--random-model")) {
            args.addAll(List.of("--model", TestServer.bundledModelDir().toString()));
        }
        if (!args.contains("--host")) {
            args.addAll(List.of("--host", "127.0.0.1"));
        }
        if (!args.contains("--metrics-port")) {
            args.addAll(List.of("--metrics-port", "-1"));
        }
        args.addAll(List.of("--port", "0", "--no-warmup", "--shutdown-delay-seconds", "0"));
        new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
        return extra.apply(cmd.builder()).build().start(cmd.transport());
    }

    private static ExplainRequest bytes(int n) {
        return ExplainRequest.newBuilder()
                .setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(new byte[n])))
                .build();
    }

    @Test
    void requestOverFourMiB_isRefusedUnread_withoutStackTraces() throws Exception {
        LicnnServer server = serve();
        ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        List<LogRecord> warnings = new ArrayList<>();
        Handler h =
                new Handler() {
                    @Override
                    public synchronized void publish(LogRecord r) {
                        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                            warnings.add(r);
                        }
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        Logger grpc = Logger.getLogger("io.grpc");
        grpc.addHandler(h);
        try {
            LicnnServiceGrpc.LicnnServiceBlockingStub stub = LicnnServiceGrpc.newBlockingStub(ch);
            StatusRuntimeException big =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> drain(stub.explain(bytes(5 << 20))));
            assertEquals(
                    Status.Code.RESOURCE_EXHAUSTED,
                    big.getStatus().getCode(),
                    big.getStatus().toString());
            StatusRuntimeException small =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> drain(stub.explain(bytes(3 << 20))));
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    small.getStatus().getCode(),
                    "read and decoded: " + small.getStatus());
            synchronized (h) {
                assertEquals(
                        List.of(),
                        warnings.stream()
                                .map(r -> r.getLoggerName() + ": " + r.getMessage())
                                .toList());
            }
        } finally {
            grpc.removeHandler(h);
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void maxRequestMb_raisesTheLimit() throws Exception {
        LicnnServer server = serve("--max-request-mb", "8");
        ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    drain(
                                            LicnnServiceGrpc.newBlockingStub(ch)
                                                    .explain(bytes(5 << 20))));
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
        } finally {
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void shutdown_healthSaysNotServing_whileCallsAreStillAccepted_thenRefuses() throws Exception {
        // The delay ends once the test has seen what it must see during it, not after a fixed time.
        CountDownLatch delayOver = new CountDownLatch(1);
        AtomicReference<Duration> delay = new AtomicReference<>();
        TestServer ts =
                new TestServer(
                        b ->
                                b.optShutdownDelay(Duration.ofSeconds(3))
                                        .delayWait(
                                                d -> {
                                                    delay.set(d);
                                                    delayOver.await(2, TimeUnit.MINUTES);
                                                }));
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ts.channel);
            HealthCheckRequest svc =
                    HealthCheckRequest.newBuilder().setService(LicnnServer.SERVICE_NAME).build();
            assertEquals(ServingStatus.SERVING, health.check(svc).getStatus());
            Background closer = Background.start("closer", ts.server::close);
            AtomicReference<ServingStatus> seen = new AtomicReference<>();
            await(
                    "health to change",
                    Duration.ofSeconds(60),
                    () -> {
                        seen.set(health.check(svc).getStatus());
                        return seen.get() != ServingStatus.SERVING;
                    });
            assertEquals(ServingStatus.NOT_SERVING, seen.get());
            assertEquals(
                    ServingStatus.NOT_SERVING,
                    health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
            List<ExplainEvent> ev = drain(ts.blocking.explain(light()));
            assertEquals(
                    ExplainEvent.EventCase.COMPLETED,
                    ev.get(ev.size() - 1).getEventCase(),
                    "served during the delay");
            delayOver.countDown();
            closer.join();
            StatusRuntimeException e =
                    assertThrows(StatusRuntimeException.class, () -> health.check(svc));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals(
                    Duration.ofSeconds(3), delay.get(), "close waits out the configured delay");
        } finally {
            delayOver.countDown();
            ts.close();
        }
    }

    @Test
    void serve_exitsZero_afterSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-Dai.djl.pytorch.num_threads=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeCommand.class.getName(),
                        "--model",
                        TestServer.bundledModelDir().toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--metrics-port",
                        "-1",
                        "--no-warmup",
                        "--shutdown-delay-seconds",
                        "0",
                        "--grace-seconds",
                        "5");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader =
                new Thread(
                        () -> {
                            try (var r =
                                    new java.io.BufferedReader(
                                            new java.io.InputStreamReader(p.getInputStream()))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    synchronized (out) {
                                        out.append(line).append('\n');
                                    }
                                    if (line.contains("licnn server listening")) {
                                        listening.countDown();
                                    }
                                }
                            } catch (IOException e) {
                                // the process ended
                            }
                        });
        reader.start();
        try {
            assertTrue(
                    listening.await(120, TimeUnit.SECONDS), () -> "server did not start:\n" + out);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "server did not stop");
            reader.join(10_000);
            assertEquals(0, p.exitValue(), () -> "exit status after SIGTERM:\n" + out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void metricsPort_bindsToHost() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("os.name").toLowerCase().contains("linux"),
                "127.0.0.2 reaches the loopback interface on Linux");
        for (String[] flags :
                new String[][] {
                    {"--host", "127.0.0.1"}, {"--host", "0.0.0.0", "--metrics-host", "127.0.0.1"}
                }) {
            List<String> args = new ArrayList<>(List.of(flags));
            args.addAll(List.of("--metrics-port", "0"));
            LicnnServer server = serve(args.toArray(new String[0]));
            try {
                int port = server.metricsPort();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                }
                assertThrows(
                        ConnectException.class,
                        () -> {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress("127.0.0.2", port), 5000);
                            }
                        },
                        "metrics reachable on another address with " + String.join(" ", flags));
            } finally {
                server.close();
            }
        }
    }

    @Test
    void deadline_reachesTheClientAsDeadlineExceeded_evenWhenItsTimerRunsLate() throws Exception {
        WorkerGate gate = new WorkerGate();
        LicnnServer server = serve(gate::install, "--max-batch-size", "1");
        // A client whose own deadline timer never fires before the server's (a loaded machine, a
        // late timer): it sends a 400 ms deadline on the wire and sets none locally.
        Metadata.Key<String> timeout =
                Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
        ClientInterceptor lateTimer =
                new ClientInterceptor() {
                    @Override
                    public <Q, R> ClientCall<Q, R> interceptCall(
                            MethodDescriptor<Q, R> m, CallOptions o, Channel next) {
                        return new ForwardingClientCall.SimpleForwardingClientCall<>(
                                next.newCall(m, o)) {
                            @Override
                            public void start(Listener<R> listener, Metadata headers) {
                                headers.put(timeout, "400m");
                                super.start(listener, headers);
                            }
                        };
                    }
                };
        ManagedChannel plain =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        ManagedChannel late =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                        .usePlaintext()
                        .intercept(lateTimer)
                        .disableRetry()
                        .build();
        List<Background> busy = new ArrayList<>();
        try {
            // Keep the worker busy (held by the gate), so that the request is accepted (headers and
            // a
            // message sent) and then waits in the queue past its deadline, whatever the CPU's
            // speed.
            for (int i = 0; i < 3; i++) {
                busy.add(
                        Background.start(
                                "busy-" + i,
                                () ->
                                        drain(
                                                LicnnServiceGrpc.newBlockingStub(plain)
                                                        .explain(light()))));
            }
            gate.awaitHeld(1);
            await(
                    "a busy worker and two queued requests",
                    Duration.ofSeconds(60),
                    () -> server.pool().inFlight() == 1 && server.pool().queueDepth() == 2);
            ExplainRequest small = light();
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> drain(LicnnServiceGrpc.newBlockingStub(late).explain(small)));
            assertEquals(
                    Status.Code.DEADLINE_EXCEEDED,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
            gate.open();
            for (Background b : busy) {
                b.join();
            }
        } finally {
            gate.open();
            late.shutdownNow();
            plain.shutdownNow();
            server.close();
        }
    }
}
