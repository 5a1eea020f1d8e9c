package dev.licnn.server;

import dev.licnn.batch.PoolListener;
import dev.licnn.batch.RejectReason;
import dev.licnn.batch.WorkerContext;
import dev.licnn.batch.WorkerPool;
import dev.licnn.server.web.GrpcWebServer;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LICNN gRPC server: the service, health ({@code grpc.health.v1}), reflection, a worker pool
 * with one worker per configured device, optional Prometheus metrics over HTTP, and optionally the
 * same services over gRPC-Web with the browser viewer on a second port ({@link Builder#optWebAddress}).
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
    /** Largest request message either port accepts (an encoded image or tensor travels in one). */
    public static final int MAX_REQUEST_BYTES = 64 << 20;

    private final Builder cfg;
    private final ServerMetrics metrics = new ServerMetrics();
    private final HealthStatusManager health = new HealthStatusManager();
    private WorkerPool<Work, WorkResult> pool;
    private Server server;
    private HTTPServer metricsServer;
    private GrpcWebServer web;
    private ExecutorService executor;
    private boolean closed;

    private LicnnServer(Builder b) {
        this.cfg = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads the models on every worker, then starts serving on {@code serverBuilder}. */
    public synchronized LicnnServer start(ServerBuilder<?> serverBuilder) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        WorkerPool.Builder<Work, WorkResult> pb = WorkerPool.<Work, WorkResult>builder()
                .optMaxBatchSize(cfg.maxBatchSize)
                .optMaxQueueDelay(cfg.maxQueueDelay)
                .optMaxQueueSize(cfg.maxQueueSize)
                .optThreadNamePrefix("licnn-worker-")
                .optListener(new MetricsListener());
        for (WorkerSpec w : cfg.workers) {
            pb.addWorker(w.name(), w.device(), LicnnProcessor.factory(cfg.models, w.threads(), cfg.warmUp, metrics));
        }
        pool = pb.build();
        AtomicInteger n = new AtomicInteger();
        // The queue is unbounded, so a task is refused only once the executor is shut down, after the
        // server has terminated: then it is a late callback of a call already closed (a client's
        // flow-control request over the in-process transport, say) and is dropped rather than thrown
        // into the caller's thread.
        executor = new ThreadPoolExecutor(cfg.rpcThreads, cfg.rpcThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "licnn-rpc-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        LicnnService service = new LicnnService(cfg.models, pool, metrics, cfg.streamBudgetBytes);
        server = serverBuilder
                .executor(executor)
                .addService(service)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
        if (cfg.webAddress != null) {
            // The same service instance: one pool, one set of limits and metrics for both ports.
            try {
                web = GrpcWebServer.builder().setAddress(cfg.webAddress).addService(service)
                        .addService(health.getHealthService()).optRpcThreads(cfg.rpcThreads)
                        .optMaxRequestBytes(MAX_REQUEST_BYTES).optGrace(cfg.grace).build().start();
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        if (cfg.metricsPort >= 0) {
            metricsServer = HTTPServer.builder().port(cfg.metricsPort).registry(metrics.registry()).buildAndStart();
        }
        LOG.info("serving {} on {} with {} worker(s), max batch {}, max queue delay {} ms", cfg.models.all().size() == 1
                ? "model " + cfg.models.defaultName() : cfg.models.all().size() + " models",
                server.getListenSockets(), cfg.workers.size(), cfg.maxBatchSize, cfg.maxQueueDelay.toMillis());
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
     * Graceful shutdown: health NOT_SERVING, no new calls, in-flight work finishes within the grace
     * period (then it is cancelled), workers and native memory are released.
     */
    @Override
    public synchronized void close() {
        if (closed || server == null) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        server.shutdown();
        if (web != null) {
            web.stopAsync();
        }
        pool.shutdown(cfg.grace);
        try {
            if (!server.awaitTermination(cfg.grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (web != null) {
            web.close();
        }
        executor.shutdownNow();
        if (metricsServer != null) {
            metricsServer.close();
        }
        LOG.info("server stopped");
    }

    private final class MetricsListener implements PoolListener {
        @Override
        public void onEnqueue(Object key, int depth) {
            metrics.queueDepth.set(depth);
        }

        @Override
        public void onReject(Object key, RejectReason reason) {
            metrics.rejected.labelValues(reason.name()).inc();
        }

        @Override
        public void onQueueTime(Object key, long nanos) {
            metrics.queueTime.observe(nanos / 1e9);
            metrics.queueDepth.set(pool == null ? 0 : pool.queueDepth());
        }

        @Override
        public void onBatchStart(WorkerContext worker, Object key, int size) {
            metrics.inFlight.set(pool.inFlight());
        }

        @Override
        public void onBatchEnd(WorkerContext worker, Object key, int size, long nanos, Throwable failure) {
            metrics.inFlight.set(Math.max(0, pool.inFlight() - size));
        }
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
        private int rpcThreads = 4;
        private InetSocketAddress webAddress;

        private Builder() {}

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

        /** Threads that decode images and run RPC callbacks. */
        public Builder optRpcThreads(int n) {
            this.rpcThreads = n;
            return this;
        }

        /** Also serve gRPC-Web and the viewer on this address (port 0: any free port); null: not at all. */
        public Builder optWebAddress(InetSocketAddress a) {
            this.webAddress = a;
            return this;
        }

        public LicnnServer build() {
            if (models == null) {
                throw new IllegalArgumentException("models must be set");
            }
            if (workers.isEmpty()) {
                throw new IllegalArgumentException("at least one worker is required");
            }
            if (maxBatchSize < 1 || maxQueueSize < 1 || streamBudgetBytes < 1 || rpcThreads < 1) {
                throw new IllegalArgumentException("batch size, queue size, stream budget and RPC threads must be positive");
            }
            if (maxQueueDelay.isNegative() || grace.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
            return new LicnnServer(this);
        }
    }
}
