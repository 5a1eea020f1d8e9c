package dev.licnn.server.bench;

import ai.djl.Device;
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
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Throughput and latency of the whole service (loopback gRPC, Netty) at several client
 * concurrencies, with the final maps only and with every layer map of every class streamed, next
 * to the engine's own time per map measured in the same process.
 *
 * <pre>
 * java ... dev.licnn.server.bench.ServiceBench [--arch vgg16] [--workers cpu] [--clients 1,2,4,8]
 *     [--seconds 30] [--k 5] [--max-batch 4] [--queue-delay-ms 5]
 * </pre>
 */
public final class ServiceBench {

    private ServiceBench() {}

    public static void main(String[] args) throws Exception {
        String arch = "vgg16";
        String workers = "cpu";
        String clients = "1,2,4,8";
        int seconds = 30;
        int k = 5;
        int maxBatch = 4;
        int delayMs = 5;
        String modes = "final,layers";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--arch": arch = args[++i]; break;
                case "--workers": workers = args[++i]; break;
                case "--clients": clients = args[++i]; break;
                case "--seconds": seconds = Integer.parseInt(args[++i]); break;
                case "--k": k = Integer.parseInt(args[++i]); break;
                case "--max-batch": maxBatch = Integer.parseInt(args[++i]); break;
                case "--queue-delay-ms": delayMs = Integer.parseInt(args[++i]); break;
                case "--modes": modes = args[++i]; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        VggSpec spec = VggSpec.byName(arch);
        ModelCard card = ModelCard.random(arch + "-random", spec, 42, Labels.indexed(spec.numClasses()));
        float[] image = new float[3 * 224 * 224];
        Random rnd = new Random(1);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rnd.nextGaussian();
        }
        double engineMs = engineTime(card, image, k);
        System.out.printf("engine alone: %.1f ms per top-%d map (batch 1, same process)%n", engineMs, k);

        List<WorkerSpec> ws = new ArrayList<>();
        String[] w = workers.split(",");
        for (int i = 0; i < w.length; i++) {
            ws.add(WorkerSpec.parse(w[i], i));
        }
        LicnnServer server = LicnnServer.builder().setModels(new ServedModels(List.of(card))).optWorkers(ws)
                .optMaxBatchSize(maxBatch).optMaxQueueDelay(Duration.ofMillis(delayMs)).optMaxQueueSize(256)
                .optStreamBudgetBytes(512L << 20).build();
        server.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        try {
            System.out.printf("workers=%s max-batch=%d queue-delay=%dms k=%d seconds/level=%d%n",
                    workers, maxBatch, delayMs, k, seconds);
            System.out.println("mode    clients  maps/s   p50 ms   p95 ms   p99 ms  per-map ms  vs engine  MB/map  mean batch");
            for (String mode : modes.split(",")) {
                ExplainRequest req = request(image, k, mode.equals("layers"));
                for (String c : clients.split(",")) {
                    run(ch, req, mode, Integer.parseInt(c), seconds, engineMs);
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
        ExplainRequest.Builder r = ExplainRequest.newBuilder().setTopK(k).setImage(ImageInput.newBuilder().setTensor(
                Tensor.newBuilder().addShape(3).addShape(224).addShape(224).setData(ByteString.copyFrom(b.array()))));
        if (layers) {
            for (MapKind m : MapKind.values()) {
                if (m != MapKind.MAP_KIND_UNSPECIFIED && m != MapKind.UNRECOGNIZED) {
                    r.addLayerMapKinds(m);
                }
            }
        }
        return r.build();
    }

    private static double engineTime(ModelCard card, float[] image, int k) throws Exception {
        try (VggNetwork net = card.createNetwork(Device.cpu())) {
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

    private static void run(ManagedChannel ch, ExplainRequest req, String mode, int clients, int seconds,
            double engineMs) throws InterruptedException {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long[] bytes = new long[clients];
        long[] batchSum = new long[clients];
        long[] count = new long[clients];
        // Warm-up: one request per client, not counted; then all clients start together.
        java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(clients + 1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int id = c;
            Thread t = new Thread(() -> {
                LicnnServiceGrpc.LicnnServiceBlockingStub stub = LicnnServiceGrpc.newBlockingStub(ch);
                call(stub, req);
                try {
                    go.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                while (System.nanoTime() < window[1]) {
                    long t0 = System.nanoTime();
                    long[] r = call(stub, req);
                    latencies.add((System.nanoTime() - t0) / 1e6);
                    bytes[id] += r[0];
                    batchSum[id] += r[1];
                    count[id]++;
                }
            });
            threads.add(t);
            t.start();
        }
        try {
            window[0] = System.nanoTime();
            window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
            go.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        long n = 0;
        long b = 0;
        long bs = 0;
        for (int c = 0; c < clients; c++) {
            n += count[c];
            b += bytes[c];
            bs += batchSum[c];
        }
        List<Double> l = new ArrayList<>(latencies);
        Collections.sort(l);
        double perMap = n == 0 ? Double.NaN : elapsed * 1000 / n;
        System.out.printf("%-7s %7d  %6.3f  %7.0f  %7.0f  %7.0f  %10.0f  %9.2f  %6.2f  %10.2f%n", mode, clients,
                n / elapsed, pct(l, 50), pct(l, 95), pct(l, 99), perMap, perMap / engineMs,
                n == 0 ? 0 : b / 1e6 / n, n == 0 ? 0 : (double) bs / n);
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

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
