package dev.licnn.server.bench;

import com.google.protobuf.ByteString;
import dev.licnn.bench.ClosedLoopLoad;
import dev.licnn.engine.bench.Args;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.Tensor;
import dev.licnn.server.LicnnServer;
import dev.licnn.server.ServedModels;
import dev.licnn.server.WorkerSpec;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Throughput and latency of the whole service (loopback gRPC, Netty) at several client
 * concurrencies, with the final maps only and with every layer map of every class streamed, next to
 * the engine's own time per map measured in the same process.
 *
 * <p>{@code licnn bench-service} runs it with these options; so does its own {@link #main}:
 *
 * <pre>
 * java ... dev.licnn.server.bench.ServiceBench [--arch vgg16] [--workers cpu] [--clients 1,2,4,8]
 *     [--seconds 30] [--min-maps 10] [--k 5] [--max-batch 4] [--queue-delay-ms 5] [--modes final,layers]
 * </pre>
 */
@Command(
        name = "bench-service",
        mixinStandardHelpOptions = true,
        description =
                "Service benchmark over loopback gRPC: throughput and latency at several concurrencies, final "
                        + "maps only and every layer map streamed, against the engine alone.")
public final class ServiceBench implements Callable<Integer> {

    @Option(
            names = "--arch",
            defaultValue = "vgg16",
            description =
                    "Serve this architecture with random weights: vgg11|vgg13|vgg16|vgg19, optionally with _bn "
                            + "(default ${DEFAULT-VALUE}).")
    String arch;

    @Option(
            names = "--workers",
            defaultValue = "cpu",
            paramLabel = "DEVICE[@THREADS],...",
            description =
                    "Workers, comma-separated: cpu, cpu@1,cpu@1, cuda:0 (default ${DEFAULT-VALUE}).")
    String workers;

    @Option(
            names = "--clients",
            defaultValue = "1,2,4,8",
            split = ",",
            paramLabel = "N",
            description = "Closed-loop client counts, one level each (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            description = "Shortest window per level (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--min-maps",
            defaultValue = "10",
            description = "Fewest completed maps per level (default ${DEFAULT-VALUE}).")
    int minMaps;

    @Option(
            names = "--k",
            defaultValue = "5",
            description = "Classes per map, top-k (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--max-batch",
            defaultValue = "4",
            description = "The server's largest batch (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(
            names = "--queue-delay-ms",
            defaultValue = "5",
            description = "How long a worker waits to fill a batch (default ${DEFAULT-VALUE}).")
    int delayMs;

    @Option(
            names = "--modes",
            defaultValue = "final,layers",
            split = ",",
            paramLabel = "final|layers",
            description =
                    "final: the final maps only; layers: every layer map of every class too (default ${DEFAULT-VALUE}).")
    List<String> modes;

    @Spec CommandSpec spec;

    /** Runs the benchmark; exits with status 2 on a bad option. */
    public static void main(String[] args) {
        Args.runAsMain(new ServiceBench(), args);
    }

    /** The workers asked for. */
    List<WorkerSpec> workerSpecs() {
        List<WorkerSpec> ws = new ArrayList<>();
        String[] w = workers.split(",");
        for (int i = 0; i < w.length; i++) {
            ws.add(WorkerSpec.parse(w[i], i));
        }
        return ws;
    }

    @Override
    public Integer call() throws Exception {
        for (int c : clients) {
            Args.atLeast(spec, "--clients", c, 1);
        }
        Args.atLeast(spec, "--seconds", seconds, 0);
        Args.atLeast(spec, "--min-maps", minMaps, 0);
        Args.atLeast(spec, "--k", k, 1);
        Args.atLeast(spec, "--max-batch", maxBatch, 1);
        Args.atLeast(spec, "--queue-delay-ms", delayMs, 0);
        for (String mode : modes) {
            if (!mode.equals("final") && !mode.equals("layers")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--modes: unknown mode '" + mode + "' (expected final or layers)");
            }
        }
        VggSpec vgg = Args.checked(spec, "--arch", () -> VggSpec.byName(arch));
        List<WorkerSpec> ws = Args.checked(spec, "--workers", this::workerSpecs);
        ModelCard card =
                ModelCard.random(arch + "-random", vgg, 42, Labels.indexed(vgg.numClasses()));
        float[] image = new float[3 * 224 * 224];
        Random rnd = new Random(1);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rnd.nextGaussian();
        }
        double engineMs = engineTime(card, image, k, ws.get(0).device());
        System.out.printf(
                "engine alone: %.1f ms per top-%d map (batch 1, same process, %s)%n",
                engineMs, k, ws.get(0).device());
        LicnnServer server =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(card)))
                        .optWorkers(ws)
                        .optMaxBatchSize(maxBatch)
                        .optMaxQueueDelay(Duration.ofMillis(delayMs))
                        .optMaxQueueSize(256)
                        .optStreamBudgetBytes(512L << 20)
                        .build();
        server.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
        ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                        .usePlaintext()
                        .maxInboundMessageSize(16 << 20)
                        .build();
        try {
            System.out.printf(
                    "workers=%s max-batch=%d queue-delay=%dms k=%d seconds/level=%d%n",
                    workers, maxBatch, delayMs, k, seconds);
            System.out.println(
                    "mode    clients  maps/s [95% interval]   p50 ms   p95 ms   p99 ms  per-map ms  vs engine  MB/map"
                            + "  mean batch  maps  window s");
            for (String mode : modes) {
                ExplainRequest req = request(image, k, mode.equals("layers"));
                for (int c : clients) {
                    run(ch, req, mode, c, seconds, minMaps, engineMs);
                }
            }
        } finally {
            ch.shutdownNow();
            server.close();
        }
        return 0;
    }

    static ExplainRequest request(float[] image, int k, boolean layers) {
        ByteBuffer b = ByteBuffer.allocate(image.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(image);
        ExplainRequest.Builder r =
                ExplainRequest.newBuilder()
                        .setTopK(k)
                        .setImage(
                                ImageInput.newBuilder()
                                        .setTensor(
                                                Tensor.newBuilder()
                                                        .addShape(3)
                                                        .addShape(224)
                                                        .addShape(224)
                                                        .setData(ByteString.copyFrom(b.array()))));
        if (layers) {
            for (MapKind m : MapKind.values()) {
                if (m != MapKind.MAP_KIND_UNSPECIFIED && m != MapKind.UNRECOGNIZED) {
                    r.addLayerMapKinds(m);
                }
            }
        }
        return r.build();
    }

    private static double engineTime(ModelCard card, float[] image, int k, String device)
            throws Exception {
        try (VggNetwork net =
                card.createNetwork(dev.licnn.engine.bench.EngineBench.device(device))) {
            LicnnEngine e = new LicnnEngine(net);
            ExplainJob job = ExplainJob.builder().setInput(image, 224, 224).optTopK(k).build();
            e.explain(job);
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                e.explain(job);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(t);
            return t[t.length / 2];
        }
    }

    /**
     * One level: {@code clients} closed-loop clients on {@code ch}, one warm-up request each, a
     * window of at least {@code seconds} and at least {@code minMaps} completed maps.
     */
    static ClosedLoopLoad.Result level(
            Channel ch, ExplainRequest req, int clients, Duration seconds, int minMaps)
            throws Exception {
        return level(ch, req, clients, seconds, minMaps, System::nanoTime);
    }

    /** The same, timed by {@code clock} (nanoseconds). */
    static ClosedLoopLoad.Result level(
            Channel ch,
            ExplainRequest req,
            int clients,
            Duration seconds,
            int minMaps,
            java.util.function.LongSupplier clock)
            throws Exception {
        ClosedLoopLoad load =
                ClosedLoopLoad.builder()
                        .setClients(clients)
                        .optWarmup(1)
                        .optMinDuration(seconds)
                        .optMinCompletions(minMaps)
                        .optClock(clock)
                        .build();
        return load.run(
                c -> {
                    LicnnServiceGrpc.LicnnServiceBlockingStub stub =
                            LicnnServiceGrpc.newBlockingStub(ch);
                    return () -> call(stub, req);
                });
    }

    private static void run(
            ManagedChannel ch,
            ExplainRequest req,
            String mode,
            int clients,
            int seconds,
            int minMaps,
            double engineMs)
            throws Exception {
        ClosedLoopLoad.Result r = level(ch, req, clients, Duration.ofSeconds(seconds), minMaps);
        int n = r.completed();
        double perMap = n == 0 ? Double.NaN : r.windowSeconds() * 1000 / n;
        double[] ci = r.throughputInterval();
        System.out.printf(
                "%-7s %7d  %6.3f [%.3f, %.3f]  %7.0f  %7.0f  %7.0f  %10.0f  %9.2f  %6.2f  %10.2f  %5d  %6.1f%n",
                mode,
                clients,
                r.throughput(),
                ci[0],
                ci[1],
                r.percentileMs(50),
                r.percentileMs(95),
                r.percentileMs(99),
                perMap,
                perMap / engineMs,
                n == 0 ? 0 : r.counter(0) / 1e6 / n,
                n == 0 ? 0 : (double) r.counter(1) / n,
                n,
                r.windowSeconds());
    }

    /** Returns {bytes received, batch size}. */
    private static long[] call(LicnnServiceGrpc.LicnnServiceBlockingStub stub, ExplainRequest req) {
        long bytes = 0;
        long batch = 0;
        Iterator<ExplainEvent> it = stub.explain(req);
        while (it.hasNext()) {
            ExplainEvent e = it.next();
            bytes += e.getSerializedSize();
            if (e.hasCompleted()) {
                batch = e.getCompleted().getBatchSize();
            }
        }
        return new long[] {bytes, batch};
    }
}
