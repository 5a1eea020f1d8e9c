package dev.licnn.server;

import dev.licnn.batch.BatchProcessor;
import dev.licnn.batch.PoolListener;
import dev.licnn.batch.RejectReason;
import dev.licnn.batch.WorkerPool;
import dev.licnn.server.web.GrpcWebServer;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javax.annotation.Nullable;
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
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES =
            ServerConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES;

    private final ServerConfig cfg;
    private final Hooks hooks;
    private final ServerMetrics metrics = new ServerMetrics().withProcessMemory();
    private final HealthStatusManager health = new HealthStatusManager();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private WorkerPool<Work, WorkResult> pool;
    private ServerThreads threads;
    private Endpoints.Grpc grpc;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private boolean started;
    private boolean closing;

    private LicnnServer(ServerConfig cfg, Hooks hooks) {
        this.cfg = cfg;
        this.hooks = hooks;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What this server serves, and its limits. */
    public ServerConfig config() {
        return cfg;
    }

    /**
     * Loads the models on every worker, then starts serving on {@code serverBuilder}. If anything
     * fails, everything started so far (workers and their native memory, threads, the listener) is
     * released before the exception is thrown.
     */
    public synchronized LicnnServer start(ServerBuilder<?> serverBuilder) throws IOException {
        if (started || closing) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            startPool();
            startEndpoints(serverBuilder);
        } catch (IOException | RuntimeException | Error e) {
            closing = true;
            releaseNow();
            stopped.countDown();
            throw e;
        }
        LOG.info(
                "serving {} on {} with {} worker(s), max batch {}, max queue delay {} ms",
                cfg.models().all().size() == 1
                        ? "model " + cfg.models().defaultName()
                        : cfg.models().all().size() + " models",
                grpc.listenSockets(),
                cfg.workers().size(),
                cfg.maxBatchSize(),
                cfg.maxQueueDelay().toMillis());
        for (var card : cfg.models().all()) {
            // Paths are for the operator: clients see only the file's name (DescribeModel).
            LOG.info("model {} weights {}", card.name(), card.weightsDescription());
        }
        return this;
    }

    /** The worker pool, one worker per device, each loading every model (and warming up). */
    private void startPool() {
        WorkerPool.Builder<Work, WorkResult> pb =
                WorkerPool.<Work, WorkResult>builder()
                        .optMaxBatchSize(cfg.maxBatchSize())
                        .optMaxQueueDelay(cfg.maxQueueDelay())
                        .optMaxQueueSize(cfg.maxQueueSize())
                        .optMaxQueuedPerClient(cfg.limits().maxQueuedPerClient())
                        .optThreadNamePrefix("licnn-worker-")
                        .optListener(new MetricsListener());
        for (WorkerSpec w : cfg.workers()) {
            var factory = LicnnProcessor.factory(cfg.models(), w, cfg.warmUp(), metrics);
            pb.addWorker(
                    w.name(),
                    w.device(),
                    worker -> hooks.processorDecorator().apply(factory.create(worker)));
        }
        pool = pb.build();
        metrics.observePool(pool::queueDepth, pool::inFlight);
    }

    /** The gRPC port, then the web port and the metrics port, each started on its own. */
    private void startEndpoints(ServerBuilder<?> serverBuilder) throws IOException {
        RateLimitedLog refusedLog =
                new RateLimitedLog(RateLimitedLog.DEFAULT_INTERVAL_NANOS, System::nanoTime);
        threads = new ServerThreads(cfg.rpcThreads(), cfg.rpcQueueSize(), refusedLog);
        TokenAuthInterceptor tokens =
                cfg.tokenFile() == null
                        ? null
                        : new TokenAuthInterceptor(
                                cfg.tokenFile(), metrics, hooks.tokenClock(), refusedLog);
        TransportLogFilter.install();
        LicnnService service =
                new LicnnService(
                        cfg.models(),
                        pool,
                        metrics,
                        cfg.streamBudgetBytes(),
                        threads.timer(),
                        threads.decode(),
                        cfg.limits());
        var healthService =
                ServerInterceptors.intercept(health.getHealthService(), new HealthGuard());

        serverBuilder.intercept(new ClientKeys());
        if (tokens != null) {
            serverBuilder.intercept(tokens);
        }
        if (cfg.reflection() == ReflectionAccess.LOOPBACK) {
            serverBuilder.intercept(new ReflectionAccess.LoopbackOnly());
        }
        serverBuilder
                // New calls are dispatched, and health answered, on their own threads; every other
                // call then runs on the RPC threads.
                .executor(threads.dispatch())
                .callExecutor(new CallExecutors(threads))
                .maxInboundMessageSize(cfg.maxInboundMessageBytes())
                .addService(new OversizeGuard(refusedLog).wrap(service.bindService()))
                .addService(healthService);
        if (cfg.reflection() != ReflectionAccess.OFF) {
            // v1 and v1alpha: many tools still ask for the older one.
            serverBuilder.addService(ProtoReflectionServiceV1.newInstance());
            serverBuilder.addService(v1alphaReflection());
        }
        grpc = new Endpoints.Grpc(serverBuilder.build());
        start(grpc);
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
        if (cfg.webAddress() != null) {
            // The same service instance: one pool, one set of limits and metrics for both ports;
            // the same token check (health stays open on both).
            start(
                    new Endpoints.Web(
                            GrpcWebServer.builder()
                                    .setAddress(cfg.webAddress())
                                    .addService(
                                            tokens == null
                                                    ? service.bindService()
                                                    : ServerInterceptors.intercept(service, tokens))
                                    .addHealthService(healthService)
                                    .optRpcThreads(cfg.rpcThreads())
                                    .optMaxRequestBytes(cfg.maxInboundMessageBytes())
                                    .optGrace(cfg.grace())
                                    .optTls(cfg.webTls() == null ? null : cfg.webTls().forWeb())
                                    .optRequestTimeout(cfg.web().requestTimeout())
                                    .optMaxConnections(cfg.web().maxConnections())
                                    .optHostCheck(
                                            hostCheck(tokens == null),
                                            n -> refusedLog.log(HostCheck::logRefused))));
        }
        if (cfg.metricsPort() >= 0) {
            start(new Endpoints.Metrics(cfg.metricsPort(), cfg.metricsHost(), metrics.registry()));
        }
    }

    /** The web port's Host check: the served names when there is no token, any host otherwise. */
    private java.util.function.Predicate<String> hostCheck(boolean noTokens) {
        return noTokens ? HostCheck.allowed(cfg.webAddress(), cfg.web().allowedHosts()) : h -> true;
    }

    @SuppressWarnings("deprecation") // v1alpha is what older tools ask for
    private static io.grpc.BindableService v1alphaReflection() {
        return ProtoReflectionService.newInstance();
    }

    private void start(Endpoint e) throws IOException {
        endpoints.add(e);
        e.start();
    }

    /** The port of a network server (-1 for in-process transports). */
    public int port() {
        return grpc.port();
    }

    /** The port gRPC-Web and the viewer are served on, or -1. */
    public int webPort() {
        return portOf(Endpoints.Web.class);
    }

    /** The port metrics are served on, or -1. */
    public int metricsPort() {
        return portOf(Endpoints.Metrics.class);
    }

    private synchronized int portOf(Class<? extends Endpoint> kind) {
        for (Endpoint e : endpoints) {
            if (kind.isInstance(e)) {
                return e.port();
            }
        }
        return -1;
    }

    /** The server's threads (tests in this package occupy them). */
    ServerThreads threads() {
        return threads;
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
        grpc.awaitTermination();
    }

    /**
     * Graceful shutdown: health turns NOT_SERVING at once while calls, health checks included, are
     * still accepted for the shutdown delay (so that load balancers and Kubernetes notice and stop
     * sending); then no new calls, in-flight work finishes within the grace period (then it is
     * cancelled), workers and native memory are released. A second caller waits for the first's
     * shutdown to end. Nothing here waits while holding the server's lock.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (!started) {
                return;
            }
            if (closing) {
                awaitStopped();
                return;
            }
            closing = true;
        }
        try {
            drain();
        } finally {
            releaseNow();
            stopped.countDown();
        }
        LOG.info("server stopped");
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
        if (!cfg.shutdownDelay().isZero()) {
            LOG.info(
                    "health NOT_SERVING; still accepting calls for {} ms before draining",
                    cfg.shutdownDelay().toMillis());
            try {
                hooks.delayWait().await(cfg.shutdownDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        health.enterTerminalState();
        // One deadline for the whole drain, as grpc-java's shutdown -> awaitTermination ->
        // shutdownNow: in-flight work and open calls get the grace period together, then both are
        // cut.
        long deadline = System.nanoTime() + cfg.grace().toNanos();
        for (Endpoint e : endpoints) {
            e.stopAccepting();
        }
        boolean drained = pool.shutdown(cfg.grace());
        try {
            for (Endpoint e : endpoints) {
                if (!drained || !e.awaitStopped(deadline)) {
                    e.stopNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops whatever is running, at once: endpoints, workers, threads. */
    private void releaseNow() {
        for (Endpoint e : endpoints) {
            e.stopNow();
        }
        if (pool != null) {
            pool.shutdown(Duration.ZERO);
        }
        if (threads != null) {
            threads.close();
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
     * Health checks stay on the dispatch threads, never behind a decode; every other call moves to
     * the RPC threads.
     */
    private static final class CallExecutors implements io.grpc.ServerCallExecutorSupplier {
        private final ServerThreads threads;

        CallExecutors(ServerThreads threads) {
            this.threads = threads;
        }

        @Override
        @Nullable
        public <Q, R> java.util.concurrent.Executor getExecutor(
                io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers) {
            return HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
                    ? null
                    : threads.rpc();
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

    /**
     * What tests in this package replace: not configuration, so not in {@link ServerConfig}.
     *
     * @param processorDecorator wraps every worker's processor
     * @param delayWait how the shutdown delay is waited out
     * @param tokenClock the clock (nanoseconds) that decides when the token file is read again
     */
    record Hooks(
            UnaryOperator<BatchProcessor<Work, WorkResult>> processorDecorator,
            DelayWait delayWait,
            LongSupplier tokenClock) {}

    /** Builds a {@link ServerConfig}, validated in {@link #build()}. */
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
        private int rpcQueueSize = ServerConfig.DEFAULT_RPC_QUEUE_SIZE;
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private InetSocketAddress webAddress;
        private ServerTls.TlsFiles webTls;
        private ServerConfig.WebLimits webLimits = ServerConfig.WebLimits.DEFAULT;
        private UnaryOperator<BatchProcessor<Work, WorkResult>> processorDecorator =
                UnaryOperator.identity();
        private DelayWait delayWait = d -> Thread.sleep(d.toMillis());
        private LongSupplier tokenClock = System::nanoTime;
        private RequestLimits limits;

        private Builder() {}

        /**
         * What one request or one client may ask ({@link RequestLimits}; default {@link
         * RequestLimits#defaults} of the queue size).
         */
        public Builder optRequestLimits(RequestLimits l) {
            this.limits = Objects.requireNonNull(l, "limits");
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
            this.reflection = Objects.requireNonNull(access, "access");
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
         * RPC callbacks that may wait for a thread; beyond it new ones are refused (default {@value
         * ServerConfig#DEFAULT_RPC_QUEUE_SIZE}).
         */
        public Builder optRpcQueueSize(int n) {
            this.rpcQueueSize = n;
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

        /** TLS for the web port (null, the default: plain HTTP). */
        public Builder optWebTls(@Nullable ServerTls.TlsFiles tls) {
            this.webTls = tls;
            return this;
        }

        /** Request timeout, connection limit and accepted Host names of the web port. */
        public Builder optWebLimits(ServerConfig.WebLimits limits) {
            this.webLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Wraps every worker's processor (tests in this package hold a worker at a known state with
         * it; the default runs the processor as it is).
         */
        Builder decorateProcessors(UnaryOperator<BatchProcessor<Work, WorkResult>> decorator) {
            this.processorDecorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /** How the shutdown delay is waited out (default: sleeping for it). */
        Builder delayWait(DelayWait wait) {
            this.delayWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /**
         * The clock (nanoseconds) that decides when the token file is read again (default: the
         * system's).
         */
        Builder tokenClock(LongSupplier nanoClock) {
            this.tokenClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /** The configuration as it stands (validated). */
        public ServerConfig config() {
            return new ServerConfig(
                    models,
                    workers,
                    maxBatchSize,
                    maxQueueDelay,
                    maxQueueSize,
                    streamBudgetBytes,
                    warmUp,
                    grace,
                    metricsPort,
                    metricsHost,
                    tokenFile,
                    reflection,
                    shutdownDelay,
                    rpcThreads,
                    rpcQueueSize,
                    maxInboundMessageBytes,
                    webAddress,
                    webTls,
                    webLimits,
                    limits != null ? limits : RequestLimits.defaults(maxQueueSize));
        }

        /** A server with {@link #config()}; changing this builder later does not change it. */
        public LicnnServer build() {
            return new LicnnServer(config(), new Hooks(processorDecorator, delayWait, tokenClock));
        }
    }
}
