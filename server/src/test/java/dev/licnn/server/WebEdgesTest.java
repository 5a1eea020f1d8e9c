package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.server.web.GrpcWebServer;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web port's edges, spoken to in raw HTTP/1.1: the Host check when there is no token, no server
 * version, the connection limit, the request timeout and the caller's real address.
 */
class WebEdgesTest {

    @TempDir Path tmp;

    /**
     * One HTTP/1.1 request on its own connection: the answer's status line and headers,
     * lower-cased.
     */
    private static String head(int port, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            send(s, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return readAll(s.getInputStream()).toLowerCase(Locale.ROOT);
        }
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            // Up to the end of the headers (the server may keep the connection open), or EOF.
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
                if (b.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // a reset after the answer: what was read is the answer
        }
        String all = b.toString(StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        return end < 0 ? all : all.substring(0, end);
    }

    private static TestServer web(java.util.function.UnaryOperator<LicnnServer.Builder> more) {
        return new TestServer(
                b -> more.apply(b.optWebAddress(new InetSocketAddress("127.0.0.1", 0))));
    }

    @Test
    void withoutTokens_onlyTheServedHostNamesAreAnswered_andNoServerVersionIsSent()
            throws Exception {
        try (TestServer ts = web(b -> b)) {
            int port = ts.server.webPort();
            String local = head(port, "localhost:" + port);
            assertTrue(local.startsWith("http/1.1 200"), local);
            assertFalse(local.contains("\r\nserver:"), local);
            assertTrue(head(port, "127.0.0.1:" + port).startsWith("http/1.1 200"));
            String rebound = head(port, "attacker.example:" + port);
            assertTrue(rebound.startsWith("http/1.1 421"), rebound);
        }
        try (TestServer ts =
                web(
                        b ->
                                b.optWebLimits(
                                        new ServerConfig.WebLimits(
                                                Duration.ofMinutes(1),
                                                16,
                                                List.of("viewer.example"))))) {
            int port = ts.server.webPort();
            assertTrue(head(port, "viewer.example:" + port).startsWith("http/1.1 200"));
            assertTrue(head(port, "localhost:" + port).startsWith("http/1.1 421"));
        }
    }

    @Test
    void withTokens_anyHostNameIsAnswered_theTokenGuardsTheCalls() throws Exception {
        Path tokens = tmp.resolve("tokens");
        Files.writeString(tokens, "token-a-0123456789abcdef\n");
        try (TestServer ts = web(b -> b.optTokenFile(tokens))) {
            int port = ts.server.webPort();
            assertTrue(head(port, "viewer.example:" + port).startsWith("http/1.1 200"));
        }
    }

    @Test
    void connectionsPastTheLimit_areClosed() throws Exception {
        try (TestServer ts =
                web(
                        b ->
                                b.optWebLimits(
                                        new ServerConfig.WebLimits(
                                                Duration.ofMinutes(1), 1, List.of())))) {
            int port = ts.server.webPort();
            try (Socket first = new Socket("127.0.0.1", port)) {
                first.setSoTimeout(30_000);
                send(first, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(first.getInputStream().read() >= 0, "the first connection is served");
                String answer;
                try (Socket second = new Socket("127.0.0.1", port)) {
                    second.setSoTimeout(30_000);
                    send(second, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    answer = readAll(second.getInputStream());
                } catch (java.net.SocketException closedEarly) {
                    answer = ""; // reset before the request was even written: closed, too
                }
                assertEquals("", answer, "the second connection is closed unanswered");
            }
        }
    }

    @Test
    void aRequestTricklingInPastTheTimeout_isCutOff() throws Exception {
        try (TestServer ts =
                web(
                        b ->
                                b.optWebLimits(
                                        new ServerConfig.WebLimits(
                                                Duration.ofMillis(300), 16, List.of())))) {
            int port = ts.server.webPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                // Only a guard against a hang: the server answers long before.
                s.setSoTimeout(60_000);
                send(
                        s,
                        "POST /licnn.v1.LicnnService/ListModels HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/grpc-web+proto\r\n"
                                + "Content-Length: 1000\r\n\r\nx");
                String answer = readAll(s.getInputStream()).toLowerCase(Locale.ROOT);
                assertTrue(
                        answer.isEmpty() || !answer.startsWith("http/1.1 200"),
                        "cut off, not answered: " + answer);
            }
        }
    }

    @Test
    void servicesSeeTheCallersRealAddress() throws Exception {
        AtomicReference<SocketAddress> peer = new AtomicReference<>();
        ServerInterceptor capture =
                new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(
                            ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                        peer.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                        return next.startCall(call, h);
                    }
                };
        HealthStatusManager health = new HealthStatusManager();
        GrpcWebServer web =
                GrpcWebServer.builder()
                        .setAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(
                                ServerInterceptors.intercept(health.getHealthService(), capture))
                        .build()
                        .start();
        try {
            assertNull(peer.get());
            var stub =
                    com.linecorp.armeria.client.grpc.GrpcClients.builder(
                                    "h1c://127.0.0.1:" + web.port())
                            .serializationFormat(
                                    com.linecorp.armeria.common.grpc.GrpcSerializationFormats
                                            .PROTO_WEB)
                            .build(io.grpc.health.v1.HealthGrpc.HealthBlockingStub.class);
            stub.check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
            assertTrue(peer.get() instanceof InetSocketAddress, String.valueOf(peer.get()));
            assertTrue(
                    ((InetSocketAddress) peer.get()).getAddress().isLoopbackAddress(),
                    String.valueOf(peer.get()));
        } finally {
            web.close();
        }
    }

    @Test
    void hostNames_areTakenWithoutTheirPort() {
        assertEquals("localhost", GrpcWebServer.hostOf("LocalHost:8080"));
        assertEquals("[::1]", GrpcWebServer.hostOf("[::1]:8080"));
        assertEquals("example.org", GrpcWebServer.hostOf("example.org"));
        assertNull(GrpcWebServer.hostOf(""));
        assertNull(GrpcWebServer.hostOf(null));
    }
}
