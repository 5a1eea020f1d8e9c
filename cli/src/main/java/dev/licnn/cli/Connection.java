package dev.licnn.cli;

import dev.licnn.client.ClientOptions;
import dev.licnn.client.LicnnClient;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.experiments.ServerConnector;
import dev.licnn.server.BundledModels;
import dev.licnn.server.LicnnServer;
import dev.licnn.server.ServedModels;
import dev.licnn.server.WorkerSpec;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where requests go: a server at {@code --target}, or, without one, a server started in this
 * process on {@code --model-dir} (default: the bundled model). The experiments are handed it as
 * their {@link ServerConnector}.
 */
public final class Connection implements ServerConnector {

    /**
     * Held, so that the level set by {@link #quietTransportLogs()} stays (JUL loggers are weak).
     */
    private static final java.util.logging.Logger GRPC_LOG =
            java.util.logging.Logger.getLogger("io.grpc");

    /**
     * For client commands: the transport's own warnings (JUL stack traces of a failed name lookup
     * or connection) stay off the terminal; the failed call itself says what went wrong, in one
     * line (see {@link dev.licnn.client.ConnectionErrors}).
     */
    static void quietTransportLogs() {
        GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @Option(
            names = "--target",
            description =
                    "Server address: host:port, a comma-separated list of replicas, or dns:///name:port. "
                            + "Without it, a server runs inside this process.")
    String target;

    @Option(
            names = "--model-dir",
            description = "Model folder for the in-process server (default: the bundled model).")
    Path modelDir;

    @Option(
            names = "--random-model",
            description =
                    "In-process server: serve ARCH[:CLASSES] with seeded random weights (e.g. vgg16).")
    String randomModel;

    @Option(
            names = "--worker",
            split = ",",
            defaultValue = "cpu",
            description =
                    "Workers of the in-process server, DEVICE[@THREADS] (default ${DEFAULT-VALUE}).")
    List<String> workers;

    @Option(
            names = "--max-batch-size",
            defaultValue = "4",
            description = "Largest batch of the in-process server (default ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--deadline-seconds",
            defaultValue = "600",
            description = "Deadline of each call (default ${DEFAULT-VALUE}).")
    long deadlineSeconds;

    @Mixin ClientSecurity security = new ClientSecurity();

    /** An open client, and the in-process server behind it if there is one. */
    public static final class Session implements ServerConnector.Session {
        public final LicnnClient client;
        private final LicnnServer server;
        private final io.grpc.ManagedChannel channel;

        Session(LicnnClient client, LicnnServer server, io.grpc.ManagedChannel channel) {
            this.client = client;
            this.server = server;
            this.channel = channel;
        }

        @Override
        public LicnnClient client() {
            return client;
        }

        @Override
        public void close() {
            client.close();
            if (channel != null) {
                channel.shutdownNow();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * The served model's name for a {@code --model} value. {@code --model} names a model on the
     * server; given a path instead (a model folder, as {@code serve --model} takes), the in-process
     * server loads that folder, as {@code --model-dir} would, and its model is used.
     *
     * @throws CliException when a path is given with {@code --target} or beside {@code
     *     --model-dir}, saying which option to use
     */
    String servedModel(String model) {
        if (model.isEmpty() || !(model.contains("/") || Files.exists(Path.of(model)))) {
            return model;
        }
        if (target != null) {
            throw new CliException(
                    "--model names a model the server serves (see `licnn models --target "
                            + target
                            + "`), not a path: "
                            + model
                            + " is a path; a model folder is served with `licnn serve --model "
                            + model
                            + "`");
        }
        if (modelDir != null || randomModel != null) {
            throw new CliException(
                    "--model " + model + " is a path; give a model folder once, with --model-dir");
        }
        modelDir = Path.of(model);
        return "";
    }

    @Override
    public Session open() throws Exception {
        ClientOptions.Builder ob =
                ClientOptions.builder()
                        .optDeadline(Duration.ofSeconds(deadlineSeconds))
                        .optMaxInboundMessageSize(64 << 20);
        if (target != null) {
            return new Session(LicnnClient.connect(target, security.apply(ob).build()), null, null);
        }
        ClientOptions opts = ob.build();
        ModelCard card;
        if (randomModel != null) {
            card = BundledModels.random(randomModel);
        } else if (modelDir != null) {
            card = ModelCard.load(modelDir);
        } else {
            card = BundledModels.defaultModel();
        }
        List<WorkerSpec> ws = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            ws.add(WorkerSpec.parse(workers.get(i), i));
        }
        LicnnServer server =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(card)))
                        .optWorkers(ws)
                        .optMaxBatchSize(maxBatchSize)
                        .optMaxQueueSize(1024)
                        .optStreamBudgetBytes(1L << 30)
                        .optMaxInboundMessageBytes(64 << 20)
                        .optWarmUp(false)
                        .build();
        String name = InProcessServerBuilder.generateName();
        server.start(InProcessServerBuilder.forName(name));
        io.grpc.ManagedChannel ch =
                InProcessChannelBuilder.forName(name)
                        .directExecutor()
                        .maxInboundMessageSize(64 << 20)
                        .build();
        return new Session(LicnnClient.create(ch, opts), server, ch);
    }
}
