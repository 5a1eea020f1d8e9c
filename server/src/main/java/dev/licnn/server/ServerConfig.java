package dev.licnn.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * What a {@link LicnnServer} serves and with which limits: immutable, built and validated by {@link
 * LicnnServer.Builder}, and read by the server's parts (threads, endpoints, service).
 *
 * @param models the served models, the first the default
 * @param workers one per device, at least one
 * @param maxBatchSize largest batch a worker runs
 * @param maxQueueDelay how long a worker waits to fill a batch
 * @param maxQueueSize jobs that may wait before RESOURCE_EXHAUSTED
 * @param streamBudgetBytes bytes that may wait for one slow reader before its stream fails
 * @param warmUp whether each worker runs one small explain per model before serving
 * @param grace how long in-flight work may run on after shutdown starts
 * @param metricsPort Prometheus HTTP port (0: any free port, -1: none)
 * @param metricsHost address the metrics port binds to (null: every interface)
 * @param tokenFile bearer tokens required on every call but health (null: no authentication)
 * @param reflection whether reflection is served, and to whom
 * @param shutdownDelay how long calls are still accepted after health turns NOT_SERVING
 * @param rpcThreads threads that run RPC callbacks, and as many that decode request images
 * @param rpcQueueSize callbacks that may wait for an RPC thread before new ones are refused
 * @param maxInboundMessageBytes largest request message
 * @param webAddress where gRPC-Web and the viewer are served (null: not at all)
 * @param webTls TLS for the web port (null: plain HTTP)
 * @param web limits of the web port
 * @param limits what one request or one client may ask
 */
public record ServerConfig(
        ServedModels models,
        List<WorkerSpec> workers,
        int maxBatchSize,
        Duration maxQueueDelay,
        int maxQueueSize,
        long streamBudgetBytes,
        boolean warmUp,
        Duration grace,
        int metricsPort,
        @Nullable String metricsHost,
        @Nullable Path tokenFile,
        ReflectionAccess reflection,
        Duration shutdownDelay,
        int rpcThreads,
        int rpcQueueSize,
        int maxInboundMessageBytes,
        @Nullable InetSocketAddress webAddress,
        @Nullable ServerTls.TlsFiles webTls,
        WebLimits web,
        RequestLimits limits) {

    /** Default limit on one request message: 4 MiB. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 4 << 20;

    /** Default number of RPC callbacks that may wait for a thread. */
    public static final int DEFAULT_RPC_QUEUE_SIZE = 4096;

    /**
     * Limits of the web port.
     *
     * @param requestTimeout longest a request may take to arrive and be answered, streams included
     *     (zero: none)
     * @param maxConnections open connections at most; more are closed at once
     * @param allowedHosts {@code Host} header values (host names, without port) accepted when the
     *     server has no token file; empty: the bound address, {@code localhost} and loopback
     *     literals
     */
    public record WebLimits(
            Duration requestTimeout, int maxConnections, List<String> allowedHosts) {
        /** Ten minutes per request, 256 connections, the default hosts. */
        public static final WebLimits DEFAULT =
                new WebLimits(Duration.ofMinutes(10), 256, List.of());

        public WebLimits {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            allowedHosts = List.copyOf(allowedHosts);
            if (requestTimeout.isNegative() || maxConnections < 1) {
                throw new IllegalArgumentException(
                        "web request timeout must not be negative and the connection limit must"
                                + " be positive");
            }
        }
    }

    /** Validates; see {@link LicnnServer.Builder}. */
    public ServerConfig {
        if (models == null) {
            throw new IllegalArgumentException("models must be set");
        }
        workers = List.copyOf(workers);
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("at least one worker is required");
        }
        if (maxBatchSize < 1
                || maxQueueSize < 1
                || streamBudgetBytes < 1
                || rpcThreads < 1
                || rpcQueueSize < 1
                || maxInboundMessageBytes < 1) {
            throw new IllegalArgumentException(
                    "batch size, queue size, stream budget, RPC threads and queue, and message"
                            + " limit must be positive");
        }
        Objects.requireNonNull(reflection, "reflection");
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(limits, "limits");
        if (maxQueueDelay.isNegative() || grace.isNegative() || shutdownDelay.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (webTls != null && webAddress == null) {
            throw new IllegalArgumentException("web TLS needs a web address");
        }
    }
}
