package dev.licnn.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javax.annotation.Nullable;
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
                        .maxRequestMessageLength(b.maxRequestBytes)
                        .intercept(new PeerAddress());
        b.services.forEach(grpc::addService);
        ServerBuilder sb = Server.builder();
        if (b.tls == null) {
            sb.http(b.address);
        } else {
            sb.https(b.address).tls(b.tls.certChain().toFile(), b.tls.privateKey().toFile());
            if (b.tls.clientCa() != null) {
                File ca = b.tls.clientCa().toFile();
                sb.tlsCustomizer(t -> t.clientAuth(ClientAuth.REQUIRE).trustManager(ca));
            }
        }
        sb.service(grpc.build());
        if (!b.healthServices.isEmpty()) {
            // Health answers on the event loop (its calls never block): never behind a decode.
            GrpcServiceBuilder health =
                    GrpcService.builder()
                            .supportedSerializationFormats(
                                    GrpcSerializationFormats.PROTO,
                                    GrpcSerializationFormats.PROTO_WEB,
                                    GrpcSerializationFormats.PROTO_WEB_TEXT)
                            .useBlockingTaskExecutor(false)
                            .maxRequestMessageLength(b.maxRequestBytes)
                            .intercept(new PeerAddress());
            b.healthServices.forEach(health::addService);
            sb.service(health.build());
        }
        if (b.hostAllowed != null) {
            Predicate<String> allowed = b.hostAllowed;
            LongConsumer refused = b.refusedHost;
            sb.decorator(
                    (delegate, ctx, req) -> {
                        String host = hostOf(req.authority());
                        if (host != null && allowed.test(host)) {
                            return delegate.serve(ctx, req);
                        }
                        refused.accept(1);
                        return HttpResponse.of(
                                HttpStatus.MISDIRECTED_REQUEST,
                                MediaType.PLAIN_TEXT_UTF_8,
                                "this server does not answer for that Host name\n");
                    });
        }
        this.server =
                sb.serviceUnder(
                                "/",
                                FileService.builder(GrpcWebServer.class.getClassLoader(), ASSETS)
                                        .build())
                        .blockingTaskExecutor(b.rpcThreads)
                        // A stream may last as long as its computation, up to this bound; a
                        // client's own deadline still applies. Zero: no bound.
                        .requestTimeout(b.requestTimeout)
                        .maxNumConnections(b.maxConnections)
                        .disableServerHeader()
                        // gRPC-Web text mode sends base64: 4 bytes for every 3.
                        .maxRequestLength((long) b.maxRequestBytes * 4 / 3 + 1024)
                        .gracefulShutdownTimeout(Duration.ZERO, b.grace)
                        // The project's metrics are its own (licnn_*); Armeria's are not collected.
                        .meterRegistry(new CompositeMeterRegistry())
                        .build();
    }

    /**
     * The host name of an {@code authority} ({@code host}, {@code host:port}, {@code [v6]:port}),
     * lower-cased; null if there is none.
     */
    @Nullable
    static String hostOf(@Nullable String authority) {
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        String a = authority.toLowerCase(java.util.Locale.ROOT);
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? null : a.substring(0, end + 1);
        }
        int colon = a.indexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
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
        LOG.info(
                "gRPC-Web and the viewer on {}://{}:{}/",
                cfg.tls == null ? "http" : "https",
                cfg.address.getHostString(),
                port());
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

    /**
     * Waits until a stop begun by {@link #stopAsync()} has ended, at most until {@code
     * deadlineNanos} ({@code System.nanoTime()}); whether it has.
     */
    public boolean awaitStopped(long deadlineNanos) {
        CompletableFuture<Void> f = stopAsync();
        try {
            f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | CompletionException | TimeoutException e) {
            return false;
        }
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

    /**
     * TLS files of the web port: a PEM certificate chain, its PEM PKCS#8 key, and optionally the CA
     * whose client certificates are required (mutual TLS).
     */
    public record Tls(Path certChain, Path privateKey, @Nullable Path clientCa) {
        public Tls {
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** Configuration; {@link #build()} validates. */
    public static final class Builder {
        private InetSocketAddress address;
        private final List<ServerServiceDefinition> services = new ArrayList<>();
        private int rpcThreads = 4;
        private int maxRequestBytes = 64 << 20;
        private Duration grace = Duration.ofSeconds(30);
        private final List<ServerServiceDefinition> healthServices = new ArrayList<>();
        @Nullable private Tls tls;
        private Duration requestTimeout = Duration.ofMinutes(10);
        private int maxConnections = 256;
        @Nullable private Predicate<String> hostAllowed;
        private LongConsumer refusedHost = n -> {};

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

        /**
         * The health service: served apart from the others, on the event loops (its methods never
         * block), so that a check never waits behind a decode.
         */
        public Builder addHealthService(ServerServiceDefinition s) {
            healthServices.add(Objects.requireNonNull(s, "service"));
            return this;
        }

        /** Serves HTTPS with these files (null, the default: plain HTTP). */
        public Builder optTls(@Nullable Tls t) {
            this.tls = t;
            return this;
        }

        /**
         * Longest a request may take from its first byte to its last response byte, streams
         * included (default ten minutes; zero: no bound). A client that trickles its request is cut
         * off here.
         */
        public Builder optRequestTimeout(Duration t) {
            this.requestTimeout = Objects.requireNonNull(t, "timeout");
            return this;
        }

        /** Open connections at most (default 256); more are closed at once. */
        public Builder optMaxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /**
         * Answers only requests whose {@code Host} (or {@code :authority}) names a host {@code
         * allowed} accepts (host name without port, lower-cased); the others get 421 and are
         * counted to {@code refused}. A guard against DNS rebinding when no token is required.
         * Default: any host.
         */
        public Builder optHostCheck(Predicate<String> allowed, LongConsumer refused) {
            this.hostAllowed = Objects.requireNonNull(allowed, "allowed");
            this.refusedHost = Objects.requireNonNull(refused, "refused");
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
            if (rpcThreads < 1
                    || maxRequestBytes < 1
                    || maxConnections < 1
                    || grace.isNegative()
                    || requestTimeout.isNegative()) {
                throw new IllegalArgumentException(
                        "RPC threads, request size and connection limit must be positive, grace"
                                + " and request timeout not negative");
            }
            return new GrpcWebServer(this);
        }
    }
}
