package dev.licnn.server;

import dev.licnn.batch.BatchProcessor;
import dev.licnn.batch.PoolListener;
import dev.licnn.batch.RejectReason;
import dev.licnn.batch.WorkerPool;
import dev.licnn.server.web.GrpcWebServer;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LICNN gRPC server: the service, health ({@code grpc.health.v1}), reflection, a worker pool
 * with one worker per configured device, optional Prometheus metrics over HTTP, and optionally the
 * same services over gRPC-Web with the browser viewer on a second port ({@link
 * Builder#optWebAddress}).
 *
 * <pre>{@code
 * LicnnServer server = LicnnServer.builder()
 *         .setModels(new ServedModels(List.of(card)))
 *         .optWorkers(List.of(WorkerSpec.parse("cpu", 0)))
 *         .build();
 * server.start(ServerBuilder.forPort(50051));   // or InProcessServerBuilder in tests
 * ...
 * server.close();                                // graceful: drains in-flight work
 * }</pre>
 */
public final class LicnnServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LicnnServer.class);

    /** Service name reported by the health service. */
    public static final String SERVICE_NAME = "licnn.v1.LicnnService";

    /** Default limit on one request message: 4 MiB. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 4 << 20;

    private final Builder cfg;
    private final ServerMetrics metrics = new ServerMetrics().withProcessMemory();
    private final HealthStatusManager health = new HealthStatusManager();
    private WorkerPool<Work, WorkResult> pool;
    private Server server;
    private HTTPServer metricsServer;
    private GrpcWebServer web;
    private ExecutorService executor;
    private ScheduledExecutorService timer;
    private boolean closed;

    private LicnnServer(Builder b) {
        this.cfg = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the models on every worker, then starts serving on {@code serverBuilder}. If anything
     * fails, everything started so far (workers and their native memory, threads, the listener) is
     * released before the exception is thrown.
     */
    public synchronized LicnnServer start(ServerBuilder<?> serverBuilder) throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("already started");
        }
        try {
            return startServing(serverBuilder);
        } catch (IOException | RuntimeException | Error e) {
            closed = true;
            releaseNow();
            throw e;
        }
    }

    private LicnnServer startServing(ServerBuilder<?> serverBuilder) throws IOException {
        TokenAuthInterceptor tokens =
                cfg.tokenFile == null
                        ? null
                        : new TokenAuthInterceptor(cfg.tokenFile, metrics, cfg.tokenClock);
        if (tokens != null) {
            serverBuilder.intercept(tokens);
        }
        if (cfg.reflection == ReflectionAccess.LOOPBACK) {
            serverBuilder.intercept(new ReflectionAccess.LoopbackOnly());
        }
        serverBuilder.intercept(new ClientKeys());
        RequestLimits limits =
                cfg.limits != null ? cfg.limits : RequestLimits.defaults(cfg.maxQueueSize);
        WorkerPool.Builder<Work, WorkResult> pb =
                WorkerPool.<Work, WorkResult>builder()
                        .optMaxBatchSize(cfg.maxBatchSize)
                        .optMaxQueueDelay(cfg.maxQueueDelay)
                        .optMaxQueueSize(cfg.maxQueueSize)
                        .optMaxQueuedPerClient(limits.maxQueuedPerClient())
                        .optThreadNamePrefix("licnn-worker-")
                        .optListener(new MetricsListener());
        for (WorkerSpec w : cfg.workers) {
            var factory = LicnnProcessor.factory(cfg.models, w.threads(), cfg.warmUp, metrics);
            pb.addWorker(
                    w.name(),
                    w.device(),
                    worker -> cfg.processorDecorator.apply(factory.create(worker)));
        }
        pool = pb.build();
        metrics.observePool(pool::queueDepth, pool::inFlight);
        AtomicInteger n = new AtomicInteger();
        // The queue is unbounded, so a task is refused only once the executor is shut down, after
        // the
        // server has terminated: then it is a late callback of a call already closed (a client's
        // flow-control request over the in-process transport, say) and is dropped rather than
        // thrown
        // into the caller's thread.
        executor =
                new ThreadPoolExecutor(
                        cfg.rpcThreads,
                        cfg.rpcThreads,
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "licnn-rpc-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.DiscardPolicy());
        ScheduledThreadPoolExecutor deadlines =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "licnn-deadlines");
                            t.setDaemon(true);
                            return t;
                        });
        deadlines.setRemoveOnCancelPolicy(true);
        timer = deadlines;
        TransportLogFilter.install();
        LicnnService service =
                new LicnnService(cfg.models, pool, metrics, cfg.streamBudgetBytes, timer, limits);
        serverBuilder
                .executor(executor)
                .maxInboundMessageSize(cfg.maxInboundMessageBytes)
                .addService(service)
                .addService(health.getHealthService());
        if (cfg.reflection != ReflectionAccess.OFF) {
            serverBuilder.addService(ProtoReflectionServiceV1.newInstance());
        }
        server = serverBuilder.build().start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
        if (cfg.webAddress != null) {
            // The same service instance: one pool, one set of limits and metrics for both ports;
            // the same
            // token check (health stays open on both).
            web =
                    GrpcWebServer.builder()
                            .setAddress(cfg.webAddress)
                            .addService(
                                    tokens == null
                                            ? service.bindService()
                                            : ServerInterceptors.intercept(service, tokens))
                            .addService(health.getHealthService())
                            .optRpcThreads(cfg.rpcThreads)
                            .optMaxRequestBytes(cfg.maxInboundMessageBytes)
                            .optGrace(cfg.grace)
                            .build()
                            .start();
        }
        if (cfg.metricsPort >= 0) {
            HTTPServer.Builder mb =
                    HTTPServer.builder().port(cfg.metricsPort).registry(metrics.registry());
            if (cfg.metricsHost != null) {
                mb.hostname(cfg.metricsHost);
            }
            metricsServer = mb.buildAndStart();
        }
        LOG.info(
                "serving {} on {} with {} worker(s), max batch {}, max queue delay {} ms",
                cfg.models.all().size() == 1
                        ? "model " + cfg.models.defaultName()
                        : cfg.models.all().size() + " models",
                server.getListenSockets(),
                cfg.workers.size(),
                cfg.maxBatchSize,
                cfg.maxQueueDelay.toMillis());
        return this;
    }

    /** The port of a network server (-1 for in-process transports). */
    public int port() {
        return server.getPort();
    }

    /** The port gRPC-Web and the viewer are served on, or -1. */
    public int webPort() {
        return web == null ? -1 : web.port();
    }

    /** The port metrics are served on, or -1. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The worker pool (queue depth, in-flight work). */
    public WorkerPool<Work, WorkResult> pool() {
        return pool;
    }

    /** Blocks until the server terminates. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Graceful shutdown: health turns NOT_SERVING at once while calls, health checks included, are
     * still accepted for the shutdown delay (so that load balancers and Kubernetes notice and stop
     * sending); then no new calls, in-flight work finishes within the grace period (then it is
     * cancelled), workers and native memory are released.
     */
    @Override
    public synchronized void close() {
        if (closed || server == null) {
            return;
        }
        closed = true;
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
        if (!cfg.shutdownDelay.isZero()) {
            LOG.info(
                    "health NOT_SERVING; still accepting calls for {} ms before draining",
                    cfg.shutdownDelay.toMillis());
            try {
                cfg.delayWait.await(cfg.shutdownDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        health.enterTerminalState();
        // One deadline for the whole drain, as grpc-java's shutdown -> awaitTermination ->
        // shutdownNow:
        // in-flight work and open calls get the grace period together, then both are cut.
        long deadline = System.nanoTime() + cfg.grace.toNanos();
        server.shutdown();
        if (web != null) {
            web.stopAsync();
        }
        boolean drained = pool.shutdown(cfg.grace);
        try {
            long left = deadline - System.nanoTime();
            if (!drained || left <= 0 || !server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        releaseNow();
        LOG.info("server stopped");
    }

    /** Stops whatever is running, at once: listener, workers, threads, metrics endpoint. */
    private void releaseNow() {
        if (server != null && !server.isTerminated()) {
            server.shutdownNow();
        }
        if (pool != null) {
            pool.shutdown(Duration.ZERO);
        }
        if (web != null) {
            web.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    private final class MetricsListener implements PoolListener {
        @Override
        public void onReject(Object key, RejectReason reason) {
            metrics.rejected.labelValues(reason.name()).inc();
        }

        @Override
        public void onQueueTime(Object key, long nanos) {
            metrics.queueTime.observe(nanos / 1e9);
        }
    }

    /**
     * How {@link #close()} spends the shutdown delay; a test replaces it to end the delay on an
     * event.
     */
    @FunctionalInterface
    interface DelayWait {
        void await(Duration delay) throws InterruptedException;
    }

    /** Configuration; {@link #build()} validates. */
    public static final class Builder {
        private ServedModels models;
        private List<WorkerSpec> workers = List.of(new WorkerSpec("cpu-0", "cpu", 0));
        private int maxBatchSize = 4;
        private Duration maxQueueDelay = Duration.ofMillis(5);
        private int maxQueueSize = 64;
        private long streamBudgetBytes = 64L << 20;
        private boolean warmUp = true;
        private Duration grace = Duration.ofSeconds(30);
        private int metricsPort = -1;
        private String metricsHost;
        private Path tokenFile;
        private ReflectionAccess reflection = ReflectionAccess.ON;
        private Duration shutdownDelay = Duration.ZERO;
        private int rpcThreads = 4;
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private InetSocketAddress webAddress;
        private UnaryOperator<BatchProcessor<Work, WorkResult>> processorDecorator =
                UnaryOperator.identity();
        private DelayWait delayWait = d -> Thread.sleep(d.toMillis());
        private java.util.function.LongSupplier tokenClock = System::nanoTime;
        private RequestLimits limits;

        private Builder() {}

        /** A snapshot, so that changing this builder later does not change a server it built. */
        private Builder copy() {
            Builder c = new Builder();
            c.models = models;
            c.workers = List.copyOf(workers);
            c.maxBatchSize = maxBatchSize;
            c.maxQueueDelay = maxQueueDelay;
            c.maxQueueSize = maxQueueSize;
            c.streamBudgetBytes = streamBudgetBytes;
            c.warmUp = warmUp;
            c.grace = grace;
            c.metricsPort = metricsPort;
            c.metricsHost = metricsHost;
            c.tokenFile = tokenFile;
            c.reflection = reflection;
            c.shutdownDelay = shutdownDelay;
            c.rpcThreads = rpcThreads;
            c.maxInboundMessageBytes = maxInboundMessageBytes;
            c.webAddress = webAddress;
            c.processorDecorator = processorDecorator;
            c.delayWait = delayWait;
            c.tokenClock = tokenClock;
            c.limits = limits;
            return c;
        }

        /**
         * What one request may ask ({@link RequestLimits}; default {@link RequestLimits#defaults}
         * of the queue size).
         */
        public Builder optRequestLimits(RequestLimits l) {
            this.limits = java.util.Objects.requireNonNull(l, "limits");
            return this;
        }

        /**
         * Largest request message the server reads; larger ones are refused with RESOURCE_EXHAUSTED
         * before they are read (default 4 MiB, as the contract says).
         */
        public Builder optMaxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        public Builder setModels(ServedModels m) {
            this.models = m;
            return this;
        }

        public Builder optWorkers(List<WorkerSpec> w) {
            this.workers = new ArrayList<>(w);
            return this;
        }

        public Builder optMaxBatchSize(int n) {
            this.maxBatchSize = n;
            return this;
        }

        public Builder optMaxQueueDelay(Duration d) {
            this.maxQueueDelay = d;
            return this;
        }

        public Builder optMaxQueueSize(int n) {
            this.maxQueueSize = n;
            return this;
        }

        /** Bytes that may wait for one slow client before its stream fails. */
        public Builder optStreamBudgetBytes(long b) {
            this.streamBudgetBytes = b;
            return this;
        }

        public Builder optWarmUp(boolean w) {
            this.warmUp = w;
            return this;
        }

        public Builder optGrace(Duration g) {
            this.grace = g;
            return this;
        }

        /** Port for Prometheus metrics over HTTP (0 = any free port, -1 = none). */
        public Builder optMetricsPort(int p) {
            this.metricsPort = p;
            return this;
        }

        /**
         * Requires a bearer token from this file on every call but health checks; the file is read
         * again while serving, so tokens rotate without a restart (see {@link
         * TokenAuthInterceptor}). Default: no authentication.
         */
        public Builder optTokenFile(Path file) {
            this.tokenFile = file;
            return this;
        }

        /** Whether reflection is served, and to whom (default {@link ReflectionAccess#ON}). */
        public Builder optReflection(ReflectionAccess access) {
            this.reflection = java.util.Objects.requireNonNull(access, "access");
            return this;
        }

        /** Address the metrics port binds to (default: every interface). */
        public Builder optMetricsHost(String host) {
            this.metricsHost = host;
            return this;
        }

        /**
         * How long {@link #close()} keeps accepting calls after health has turned NOT_SERVING,
         * before the drain starts (default zero).
         */
        public Builder optShutdownDelay(Duration d) {
            this.shutdownDelay = d;
            return this;
        }

        /** Threads that decode images and run RPC callbacks. */
        public Builder optRpcThreads(int n) {
            this.rpcThreads = n;
            return this;
        }

        /**
         * Also serve gRPC-Web and the viewer on this address (port 0: any free port); null: not at
         * all.
         */
        public Builder optWebAddress(InetSocketAddress a) {
            this.webAddress = a;
            return this;
        }

        /**
         * Wraps every worker's processor (tests in this package hold a worker at a known state with
         * it; the default runs the processor as it is).
         */
        Builder decorateProcessors(UnaryOperator<BatchProcessor<Work, WorkResult>> decorator) {
            this.processorDecorator = java.util.Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /** How the shutdown delay is waited out (default: sleeping for it). */
        Builder delayWait(DelayWait wait) {
            this.delayWait = java.util.Objects.requireNonNull(wait, "wait");
            return this;
        }

        /**
         * The clock (nanoseconds) that decides when the token file is read again (default: the
         * system's).
         */
        Builder tokenClock(java.util.function.LongSupplier nanoClock) {
            this.tokenClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public LicnnServer build() {
            if (models == null) {
                throw new IllegalArgumentException("models must be set");
            }
            if (workers.isEmpty()) {
                throw new IllegalArgumentException("at least one worker is required");
            }
            if (maxBatchSize < 1
                    || maxQueueSize < 1
                    || streamBudgetBytes < 1
                    || rpcThreads < 1
                    || maxInboundMessageBytes < 1) {
                throw new IllegalArgumentException(
                        "batch size, queue size, stream budget, RPC threads and message limit must be positive");
            }
            if (maxQueueDelay.isNegative() || grace.isNegative() || shutdownDelay.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
            return new LicnnServer(copy());
        }
    }
}
