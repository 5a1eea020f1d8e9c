package dev.licnn.server;

import dev.licnn.engine.model.ModelCard;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: runs the gRPC server until interrupted. Every option can also be set by an
 * environment variable (shown in {@code --help}).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Run the LICNN gRPC server (health, reflection, Prometheus metrics).")
public final class ServeCommand implements Callable<Integer> {

    @Option(
            names = "--host",
            defaultValue = "${env:LICNN_HOST:-0.0.0.0}",
            description = "Address to bind (env LICNN_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "${env:LICNN_PORT:-50051}",
            description = "gRPC port (env LICNN_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--web-port",
            defaultValue = "${env:LICNN_WEB_PORT:--1}",
            description =
                    "Also serve gRPC-Web and the live viewer (http://HOST:PORT/) on this port, -1: off (env LICNN_WEB_PORT, default off).")
    int webPort;

    @Option(
            names = "--worker",
            split = ",",
            defaultValue = "${env:LICNN_WORKERS:-cpu}",
            description =
                    "Workers, DEVICE[@THREADS], comma-separated or repeated: cpu, cpu@1, cuda:0 (env LICNN_WORKERS, default ${DEFAULT-VALUE}).")
    List<String> workers;

    @Option(
            names = "--model",
            description =
                    "Model folder (model.json, weights, labels); repeatable, the first is the default. Default: the bundled model.")
    List<Path> models = new ArrayList<>();

    @Option(
            names = "--random-model",
            description =
                    "Serve ARCH[:CLASSES] with seeded random weights, e.g. vgg16 (benchmarks).")
    List<String> randomModels = new ArrayList<>();

    @Option(
            names = "--max-batch-size",
            defaultValue = "${env:LICNN_MAX_BATCH_SIZE:-4}",
            description = "Largest batch a worker runs (default ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--max-queue-delay-ms",
            defaultValue = "${env:LICNN_MAX_QUEUE_DELAY_MS:-5}",
            description = "How long a worker waits to fill a batch (default ${DEFAULT-VALUE}).")
    long maxQueueDelayMs;

    @Option(
            names = "--max-queue-size",
            defaultValue = "${env:LICNN_MAX_QUEUE_SIZE:-64}",
            description = "Queued requests before RESOURCE_EXHAUSTED (default ${DEFAULT-VALUE}).")
    int maxQueueSize;

    @Option(
            names = "--stream-budget-mb",
            defaultValue = "${env:LICNN_STREAM_BUDGET_MB:-64}",
            description =
                    "MiB that may wait for one slow reader before its stream fails (default ${DEFAULT-VALUE}).")
    long streamBudgetMb;

    @Option(
            names = "--metrics-port",
            defaultValue = "${env:LICNN_METRICS_PORT:-9464}",
            description = "Prometheus metrics HTTP port, -1 to disable (default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--metrics-host",
            defaultValue = "${env:LICNN_METRICS_HOST}",
            description =
                    "Address the metrics port binds to, e.g. 127.0.0.1 (env LICNN_METRICS_HOST, default: --host).")
    String metricsHost;

    @Option(
            names = "--max-request-mb",
            defaultValue = "${env:LICNN_MAX_REQUEST_MB:-4}",
            description =
                    "Largest request message in MiB; larger ones get RESOURCE_EXHAUSTED unread (env LICNN_MAX_REQUEST_MB, default ${DEFAULT-VALUE}).")
    int maxRequestMb;

    @Option(
            names = "--shutdown-delay-seconds",
            defaultValue = "${env:LICNN_SHUTDOWN_DELAY_SECONDS:-5}",
            description =
                    "On SIGTERM, seconds during which health says NOT_SERVING while calls are still accepted, before the drain (env LICNN_SHUTDOWN_DELAY_SECONDS, default ${DEFAULT-VALUE}).")
    long shutdownDelaySeconds;

    @Option(
            names = "--tls-cert",
            defaultValue = "${env:LICNN_TLS_CERT}",
            description =
                    "Serve TLS with this PEM certificate chain (env LICNN_TLS_CERT); needs --tls-key.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            defaultValue = "${env:LICNN_TLS_KEY}",
            description = "PEM PKCS#8 private key of --tls-cert (env LICNN_TLS_KEY).")
    Path tlsKey;

    @Option(
            names = "--tls-client-ca",
            defaultValue = "${env:LICNN_TLS_CLIENT_CA}",
            description =
                    "Require client certificates signed by this PEM CA: mutual TLS (env LICNN_TLS_CLIENT_CA).")
    Path tlsClientCa;

    @Option(
            names = "--token-file",
            defaultValue = "${env:LICNN_TOKEN_FILE}",
            description =
                    "Require a bearer token from this file (one per line) on every call but health checks; "
                            + "re-read while serving, so tokens rotate without a restart (env LICNN_TOKEN_FILE).")
    Path tokenFile;

    @Option(
            names = "--reflection",
            defaultValue = "${env:LICNN_REFLECTION:-on}",
            description =
                    "gRPC reflection: on, off, or loopback (local callers only) (env LICNN_REFLECTION, default ${DEFAULT-VALUE}).")
    String reflection;

    @Option(
            names = "--grace-seconds",
            defaultValue = "${env:LICNN_GRACE_SECONDS:-30}",
            description = "Drain period on shutdown (default ${DEFAULT-VALUE}).")
    long graceSeconds;

    @Option(
            names = "--rpc-threads",
            defaultValue = "${env:LICNN_RPC_THREADS:-4}",
            description =
                    "Threads that decode images and run RPC callbacks (default ${DEFAULT-VALUE}).")
    int rpcThreads;

    @Option(
            names = "--max-image-pixels",
            defaultValue = "${env:LICNN_MAX_IMAGE_PIXELS:-40000000}",
            description =
                    "Largest width x height an encoded image may declare; larger ones are refused before decoding (default ${DEFAULT-VALUE}).")
    long maxImagePixels;

    @Option(
            names = "--max-request-cost",
            defaultValue = "${env:LICNN_MAX_REQUEST_COST:-4096}",
            description =
                    "Ceiling on a request's estimated cost in forward-pass equivalents (1 per image to classify, 1 + 2k for LICNN with k classes, 2k x steps for integrated gradients); over it, RESOURCE_EXHAUSTED (env LICNN_MAX_REQUEST_COST, default ${DEFAULT-VALUE}).")
    long maxRequestCost;

    @Option(
            names = "--max-deadline-seconds",
            defaultValue = "${env:LICNN_MAX_DEADLINE_SECONDS:-300}",
            description =
                    "Longest a call may last; a later client deadline, or none, is cut to this (env LICNN_MAX_DEADLINE_SECONDS, default ${DEFAULT-VALUE}).")
    long maxDeadlineSeconds;

    @Option(names = "--no-warmup", description = "Skip the warm-up explain at start.")
    boolean noWarmup;

    /** Builds the server from the options (not started). */
    public LicnnServer build() throws Exception {
        return builder().build();
    }

    /** The server's configuration from the options, for tests in this package to add to. */
    LicnnServer.Builder builder() throws Exception {
        List<ModelCard> cards = new ArrayList<>();
        for (Path p : models) {
            cards.add(ModelCard.load(p));
        }
        for (String r : randomModels) {
            cards.add(BundledModels.random(r));
        }
        if (cards.isEmpty()) {
            cards.add(BundledModels.defaultModel());
        }
        if (maxRequestMb < 1 || maxRequestMb > 2047) {
            throw new IllegalArgumentException(
                    "--max-request-mb must be between 1 and 2047, got " + maxRequestMb);
        }
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException(
                    "--max-image-pixels must be positive, got " + maxImagePixels);
        }
        cards.replaceAll(
                c ->
                        c.withPreprocess(
                                dev.licnn.engine.image.PreprocessConfig.builder()
                                        .optResizeShorter(c.preprocess().resizeShorter())
                                        .optCropSize(c.preprocess().cropSize())
                                        .optMean(c.preprocess().mean())
                                        .optStd(c.preprocess().std())
                                        .optMaxPixels(maxImagePixels)
                                        .build()));
        if (maxRequestCost < 1 || maxDeadlineSeconds < 1) {
            throw new IllegalArgumentException(
                    "--max-request-cost and --max-deadline-seconds must be positive");
        }
        List<WorkerSpec> ws = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            ws.add(WorkerSpec.parse(workers.get(i), i));
        }
        return LicnnServer.builder()
                .setModels(new ServedModels(cards))
                .optWorkers(ws)
                .optMaxBatchSize(maxBatchSize)
                .optMaxQueueDelay(Duration.ofMillis(maxQueueDelayMs))
                .optMaxQueueSize(maxQueueSize)
                .optStreamBudgetBytes(streamBudgetMb << 20)
                .optMetricsPort(metricsPort)
                .optMetricsHost(metricsHost != null ? metricsHost : host)
                .optTokenFile(tokenFile)
                .optReflection(ReflectionAccess.parse(reflection))
                .optMaxInboundMessageBytes(maxRequestMb << 20)
                .optShutdownDelay(Duration.ofSeconds(shutdownDelaySeconds))
                .optGrace(Duration.ofSeconds(graceSeconds))
                .optRpcThreads(rpcThreads)
                .optWarmUp(!noWarmup)
                .optRequestLimits(
                        RequestLimits.defaults(maxQueueSize)
                                .withMaxCost(maxRequestCost)
                                .withMaxDeadline(Duration.ofSeconds(maxDeadlineSeconds)))
                .optWebAddress(webPort < 0 ? null : new InetSocketAddress(host, webPort));
    }

    /** The transport {@link #call()} serves on. */
    NettyServerBuilder transport() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (tlsCert == null && tlsKey == null) {
            if (tlsClientCa != null) {
                throw new IllegalArgumentException(
                        "--tls-client-ca needs --tls-cert and --tls-key");
            }
            return NettyServerBuilder.forAddress(address);
        }
        if (tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return NettyServerBuilder.forAddress(
                address, ServerTls.credentials(tlsCert, tlsKey, tlsClientCa));
    }

    /**
     * Serves until SIGTERM or SIGINT, then shuts down gracefully and returns 0: a drained, clean
     * shutdown is a success. Any other way the JVM ends still closes the server (shutdown hook).
     */
    @Override
    public Integer call() throws Exception {
        LicnnServer server = build();
        NettyServerBuilder transport = transport();
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
        }
        server.start(transport);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "licnn-shutdown"));
        System.err.printf(
                "licnn server listening on %s:%d%s (metrics on %s)%n",
                host,
                server.port(),
                tlsCert == null ? "" : tlsClientCa == null ? " with TLS" : " with mutual TLS",
                server.metricsPort() < 0 ? "none" : ":" + server.metricsPort());
        if (server.webPort() >= 0) {
            System.err.printf(
                    "licnn viewer and gRPC-Web on http://%s:%d/%n",
                    "0.0.0.0".equals(host) ? "localhost" : host, server.webPort());
        }
        stop.await();
        System.err.println("licnn server stopping: draining in-flight requests");
        server.close();
        return 0;
    }

    /**
     * Parses {@code serve} arguments, builds the server and starts it on its transport (plaintext
     * or TLS); for tools and tests that run a server inside their process.
     */
    public static LicnnServer start(String... args) throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        NettyServerBuilder transport = cmd.transport();
        return cmd.build().start(transport);
    }

    /** Runs {@code serve} alone. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }
}
