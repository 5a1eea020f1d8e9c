package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A target that cannot be reached is named, with the cause, in one line. */
class ConnectionErrorsTest {

    @Test
    void aClosedPort_isReportedAsConnectionRefused_namingTheTarget() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String target = "127.0.0.1:" + port;
        ClientOptions opts =
                ClientOptions.builder().optRetry(false).optDeadline(Duration.ofSeconds(30)).build();
        try (LicnnClient c = LicnnClient.connect(target, opts)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, c::listModels);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals(
                    "cannot reach " + target + ": connection refused",
                    e.getStatus().getDescription());
        }
    }

    @Test
    void causes_areNamed_otherStatusesPassUnchanged() {
        Status unknownHost =
                Status.UNAVAILABLE
                        .withDescription("Unable to resolve host nosuch.invalid")
                        .withCause(
                                new RuntimeException(new UnknownHostException("nosuch.invalid")));
        assertEquals(
                "cannot reach nosuch.invalid:1: unknown host",
                ConnectionErrors.describe("nosuch.invalid:1", unknownHost).getDescription());
        Status refused =
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(new ConnectException("Connection refused: /10.0.0.1:9"));
        assertEquals(
                "cannot reach h:9: connection refused",
                ConnectionErrors.describe("h:9", refused).getDescription());
        Status serverSide = Status.UNAVAILABLE.withDescription("server is shutting down");
        assertSame(serverSide, ConnectionErrors.describe("h:9", serverSide));
        Status notFound = Status.NOT_FOUND.withDescription("unknown model");
        assertSame(notFound, ConnectionErrors.describe("h:9", notFound));
    }
}
