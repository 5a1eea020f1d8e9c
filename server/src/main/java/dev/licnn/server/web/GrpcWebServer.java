package dev.licnn.server.web;

import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP port that speaks gRPC-Web ({@code application/grpc-web+proto} and {@code -text}), plain
 * gRPC over HTTP/2, and serves the viewer's assets from the class path at {@code /}.
 *
 * <p>Server streams reach the browser message by message: every response message is written as its
 * own frame as soon as the service hands it over, and the services' flow control ({@code
 * isReady}/{@code onReady}) follows the HTTP connection's. A call the browser aborts is cancelled
 * on the server. Service methods run on a bounded pool of {@code rpcThreads}, never on the event
 * loops.
 *
 * <pre>{@code
 * GrpcWebServer web = GrpcWebServer.builder()
 *         .setAddress(new InetSocketAddress("0.0.0.0", 8080))
 *         .addService(licnnService)          // the same instance the gRPC port serves
 *         .build()
 *         .start();
 * // http://localhost:8080/ is the viewer
 * web.close();                                // graceful: in-flight calls finish within the grace period
 * }</pre>
 */
public final class GrpcWebServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcWebServer.class);

    /** Where the viewer's assets live on the class path. */
    public static final String ASSETS = "dev/licnn/server/web/viewer";

    private final Builder cfg;
    private final Server server;
    private CompletableFuture<Void> stopped;

    private GrpcWebServer(Builder b) {
        this.cfg = b;
        GrpcServiceBuilder grpc =
                GrpcService.builder()
                        .supportedSerializationFormats(
                                GrpcSerializationFormats.PROTO,
                                GrpcSerializationFormats.PROTO_WEB,
                                GrpcSerializationFormats.PROTO_WEB_TEXT)
                        .useBlockingTaskExecutor(true)
                        .maxRequestMessageLength(b.maxRequestBytes);
        b.services.forEach(grpc::addService);
        this.server =
                Server.builder()
                        .http(b.address)
                        .service(grpc.build())
                        .serviceUnder(
                                "/",
                                FileService.builder(GrpcWebServer.class.getClassLoader(), ASSETS)
                                        .build())
                        .blockingTaskExecutor(b.rpcThreads)
                        // A stream lasts as long as its computation; a client's own deadline still
                        // applies.
                        .requestTimeout(Duration.ZERO)
                        // gRPC-Web text mode sends base64: 4 bytes for every 3.
                        .maxRequestLength((long) b.maxRequestBytes * 4 / 3 + 1024)
                        .gracefulShutdownTimeout(Duration.ZERO, b.grace)
                        // The project's metrics are its own (licnn_*); Armeria's are not collected.
                        .meterRegistry(new CompositeMeterRegistry())
                        .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port; an address in use or out of reach is an {@link IOException}. */
    public GrpcWebServer start() throws IOException {
        try {
            server.start().get();
        } catch (ExecutionException e) {
            throw new IOException(
                    "cannot serve gRPC-Web on " + cfg.address + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + cfg.address, e);
        }
        LOG.info("gRPC-Web and the viewer on http://{}:{}/", cfg.address.getHostString(), port());
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.activeLocalPort();
    }

    /**
     * Stops taking calls and lets those in flight finish within the grace period; returns at once.
     */
    public synchronized CompletableFuture<Void> stopAsync() {
        if (stopped == null) {
            stopped = server.stop();
        }
        return stopped;
    }

    /** {@link #stopAsync()}, then waits for it (at most the grace period plus a few seconds). */
    @Override
    public void close() {
        try {
            stopAsync().get(cfg.grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CompletionException | TimeoutException e) {
            LOG.warn("gRPC-Web server did not stop cleanly: {}", e.toString());
        }
    }

    /** Configuration; {@link #build()} validates. */
    public static final class Builder {
        private InetSocketAddress address;
        private final List<ServerServiceDefinition> services = new ArrayList<>();
        private int rpcThreads = 4;
        private int maxRequestBytes = 64 << 20;
        private Duration grace = Duration.ofSeconds(30);

        private Builder() {}

        /** Address to bind; port 0 takes any free port. */
        public Builder setAddress(InetSocketAddress a) {
            this.address = Objects.requireNonNull(a, "address");
            return this;
        }

        /**
         * A service to serve; pass the instance the gRPC port serves so that both share its state.
         */
        public Builder addService(BindableService s) {
            return addService(Objects.requireNonNull(s, "service").bindService());
        }

        /** A service with its interceptors (e.g. the gRPC port's token check). */
        public Builder addService(ServerServiceDefinition s) {
            services.add(Objects.requireNonNull(s, "service"));
            return this;
        }

        /** Threads that run service methods (decoding, validation, callbacks). */
        public Builder optRpcThreads(int n) {
            this.rpcThreads = n;
            return this;
        }

        /** Largest request message, in bytes. */
        public Builder optMaxRequestBytes(int n) {
            this.maxRequestBytes = n;
            return this;
        }

        /** How long in-flight calls may run on after {@link #close()}. */
        public Builder optGrace(Duration g) {
            this.grace = Objects.requireNonNull(g, "grace");
            return this;
        }

        public GrpcWebServer build() {
            if (address == null) {
                throw new IllegalArgumentException("address must be set");
            }
            if (services.isEmpty()) {
                throw new IllegalArgumentException("at least one service is required");
            }
            if (rpcThreads < 1 || maxRequestBytes < 1 || grace.isNegative()) {
                throw new IllegalArgumentException(
                        "RPC threads and request size must be positive, grace not negative");
            }
            return new GrpcWebServer(this);
        }
    }
}
