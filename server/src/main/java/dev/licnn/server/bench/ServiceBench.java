package dev.licnn.server.bench;

import com.google.protobuf.ByteString;
import dev.licnn.bench.ClosedLoopLoad;
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

/**
 * Throughput and latency of the whole service (loopback gRPC, Netty) at several client
 * concurrencies, with the final maps only and with every layer map of every class streamed, next to
 * the engine's own time per map measured in the same process.
 *
 * <pre>
 * java ... dev.licnn.server.bench.ServiceBench [--arch vgg16] [--workers cpu] [--clients 1,2,4,8]
 *     [--seconds 30] [--min-maps 10] [--k 5] [--max-batch 4] [--queue-delay-ms 5]
 * </pre>
 */
public final class ServiceBench {

    private ServiceBench() {}

    public static void main(String[] args) throws Exception {
        String arch = "vgg16";
        String workers = "cpu";
        String clients = "1,2,4,8";
        int seconds = 30;
        int minMaps = 10;
        int k = 5;
        int maxBatch = 4;
        int delayMs = 5;
        String modes = "final,layers";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--arch":
                    arch = args[++i];
                    break;
                case "--workers":
                    workers = args[++i];
                    break;
                case "--clients":
                    clients = args[++i];
                    break;
                case "--seconds":
                    seconds = Integer.parseInt(args[++i]);
                    break;
                case "--min-maps":
                    minMaps = Integer.parseInt(args[++i]);
                    break;
                case "--k":
                    k = Integer.parseInt(args[++i]);
                    break;
                case "--max-batch":
                    maxBatch = Integer.parseInt(args[++i]);
                    break;
                case "--queue-delay-ms":
                    delayMs = Integer.parseInt(args[++i]);
                    break;
                case "--modes":
                    modes = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        VggSpec spec = VggSpec.byName(arch);
        ModelCard card =
                ModelCard.random(arch + "-random", spec, 42, Labels.indexed(spec.numClasses()));
        float[] image = new float[3 * 224 * 224];
        Random rnd = new Random(1);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rnd.nextGaussian();
        }
        List<WorkerSpec> ws = new ArrayList<>();
        String[] w = workers.split(",");
        for (int i = 0; i < w.length; i++) {
            ws.add(WorkerSpec.parse(w[i], i));
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
            for (String mode : modes.split(",")) {
                ExplainRequest req = request(image, k, mode.equals("layers"));
                for (String c : clients.split(",")) {
                    run(ch, req, mode, Integer.parseInt(c), seconds, minMaps, engineMs);
                }
            }
        } finally {
            ch.shutdownNow();
            server.close();
        }
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
