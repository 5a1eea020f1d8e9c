package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens from a rotating file; health stays open; reflection can be off or local only. */
class TokenAuthTest {

    private static final String A = "token-a-0123456789abcdef";
    private static final String B = "token-b-0123456789abcdef";
    private static final String C = "token-c-0123456789abcdef";

    @TempDir Path tmp;

    private static LicnnServiceGrpc.LicnnServiceBlockingStub withToken(
            TestServer ts, String authorization) {
        Metadata m = new Metadata();
        m.put(TokenAuthInterceptor.AUTHORIZATION, authorization);
        return ts.blocking.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static Status.Code listModels(LicnnServiceGrpc.LicnnServiceBlockingStub stub) {
        try {
            stub.listModels(ListModelsRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void tokens_areRequired_exceptForHealth_andRefusalsAreCounted() throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, "# clients\n" + A + "\n\n" + B + "\n");
        try (TestServer ts = new TestServer(b -> b.optTokenFile(file))) {
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + A)));
            assertEquals(Status.Code.OK, listModels(withToken(ts, "bearer " + B)));
            StatusRuntimeException none =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> ts.blocking.listModels(ListModelsRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
            assertTrue(
                    none.getStatus().getDescription().contains("bearer token"),
                    none.getStatus().getDescription());
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + C)));
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, A)));
            assertEquals(
                    ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(ts.channel)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            assertEquals(3, ts.server.metrics().requestCount("ListModels", "UNAUTHENTICATED"));
            assertEquals(3, ts.server.metrics().rejectedCount("UNAUTHENTICATED"));
            assertTrue(
                    ts.server
                            .metrics()
                            .scrape()
                            .contains("licnn_rejected_total{reason=\"UNAUTHENTICATED\"} 3.0"));
            // Reflection is behind the token too.
            assertEquals(Status.Code.UNAUTHENTICATED, reflect(ts, null));
        }
    }

    @Test
    void rewritingTheFile_rotatesTokens_withoutRestart() throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, A + "\n" + B + "\n");
        // The file is read again once a second has passed on this clock.
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        long second = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        try (TestServer ts = new TestServer(b -> b.optTokenFile(file).tokenClock(clock::get))) {
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + A)));
            Path next = tmp.resolve("tokens.new");
            Files.writeString(next, B + "\n" + C + "\n");
            Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertEquals(
                    Status.Code.OK,
                    listModels(withToken(ts, "Bearer " + A)),
                    "not read again within the second");
            clock.addAndGet(second);
            assertEquals(
                    Status.Code.UNAUTHENTICATED,
                    listModels(withToken(ts, "Bearer " + A)),
                    "token A revoked");
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + B)));
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + C)));
            // A partly bad file: its valid lines take effect, the bad one is ignored.
            Files.writeString(file, "short\n" + C + "\n");
            clock.addAndGet(second);
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + C)));
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + B)));
            // A file with no valid token denies everyone (it no longer keeps the old tokens).
            Files.writeString(file, "short\n");
            clock.addAndGet(second);
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + C)));
            // So does an emptied file, and a deleted one; a mended file serves again.
            Files.writeString(file, "");
            clock.addAndGet(second);
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + C)));
            Files.delete(file);
            clock.addAndGet(second);
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + C)));
            Files.writeString(file, C + "\n");
            clock.addAndGet(second);
            assertEquals(Status.Code.OK, listModels(withToken(ts, "Bearer " + C)));
            assertEquals(Status.Code.UNAUTHENTICATED, listModels(withToken(ts, "Bearer " + A)));
        }
    }

    @Test
    void badTokenFile_stopsTheServerFromStarting() throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, "# nothing\n");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TestServer(b -> b.optTokenFile(file)));
        assertTrue(e.getMessage().contains("holds no token"), e.getMessage());
        Files.writeString(file, "tooshort\n");
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TestServer(b -> b.optTokenFile(file)));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    }

    /** The status of a reflection ListServices call, with {@code token} if not null. */
    private static Status.Code reflect(TestServer ts, String token) throws Exception {
        ServerReflectionGrpc.ServerReflectionStub stub = ServerReflectionGrpc.newStub(ts.channel);
        if (token != null) {
            Metadata m = new Metadata();
            m.put(TokenAuthInterceptor.AUTHORIZATION, "Bearer " + token);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        }
        CompletableFuture<Status.Code> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> req =
                stub.serverReflectionInfo(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(ServerReflectionResponse r) {
                                result.complete(Status.Code.OK);
                            }

                            @Override
                            public void onError(Throwable t) {
                                result.complete(Status.fromThrowable(t).getCode());
                            }

                            @Override
                            public void onCompleted() {
                                result.complete(Status.Code.OK);
                            }
                        });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void reflection_onOrOff() throws Exception {
        try (TestServer ts = new TestServer(b -> b)) {
            assertEquals(Status.Code.OK, reflect(ts, null));
        }
        try (TestServer ts = new TestServer(b -> b.optReflection(ReflectionAccess.OFF))) {
            assertEquals(Status.Code.UNIMPLEMENTED, reflect(ts, null));
        }
        try (TestServer ts = new TestServer(b -> b.optReflection(ReflectionAccess.LOOPBACK))) {
            assertEquals(Status.Code.OK, reflect(ts, null), "in-process callers are local");
        }
    }

    @Test
    void loopbackReflection_acceptsOnlyLoopbackPeers() throws Exception {
        assertTrue(
                ReflectionAccess.isLocal(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 1234)));
        assertTrue(
                ReflectionAccess.isLocal(
                        new InetSocketAddress(InetAddress.getByName("::1"), 1234)));
        assertFalse(
                ReflectionAccess.isLocal(
                        new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1234)));
        assertFalse(
                ReflectionAccess.isLocal(
                        new InetSocketAddress(InetAddress.getByName("192.168.0.7"), 1234)));
        assertEquals(ReflectionAccess.LOOPBACK, ReflectionAccess.parse("Loopback"));
        assertThrows(IllegalArgumentException.class, () -> ReflectionAccess.parse("maybe"));
    }
}
