package dev.licnn.cli;

import com.google.gson.GsonBuilder;
import dev.licnn.client.EventStream;
import dev.licnn.client.LicnnClient;
import dev.licnn.client.Requests;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: closed-loop load at several concurrency levels, like Triton's perf_analyzer:
 * throughput, latency percentiles, the server's batch sizes and queue times.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark Explain at several concurrency levels.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--concurrency", split = ",", defaultValue = "1,2,4,8", description = "Concurrent clients per level (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--seconds", defaultValue = "20", description = "Measurement time per level (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured requests per client before each level (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--top-k", defaultValue = "5", description = "Classes per map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--layers", description = "Stream every layer map of every class (all five kinds).")
    boolean layers;

    @Option(names = "--image", description = "Image to explain (default: a seeded random tensor).")
    Path image;

    @Option(names = "--model", defaultValue = "", description = "Model name on the server.")
    String model;

    @Option(names = "--csv", description = "Write the table as CSV.")
    Path csv;

    @Option(names = "--json", description = "Write the table as JSON.")
    Path json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        if (image != null && !Files.isRegularFile(image)) {
            throw new CliException("no such file: " + image);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(model);
            ExplainRequest req = request(d);
            System.out.printf("model %s, top-%d, %s, %d s per level%n", d.getName(), topK,
                    layers ? "every layer map streamed" : "final maps only", seconds);
            System.out.println("clients  maps/s   p50 ms   p95 ms   p99 ms  mean batch  mean queue ms  MB/map");
            for (int c : concurrency) {
                Map<String, Object> row = level(s.client, req, c);
                rows.add(row);
                System.out.printf("%7d  %6.3f  %7.0f  %7.0f  %7.0f  %10.2f  %13.1f  %6.2f%n", c, row.get("throughput"),
                        row.get("p50_ms"), row.get("p95_ms"), row.get("p99_ms"), row.get("mean_batch"),
                        row.get("mean_queue_ms"), row.get("mb_per_map"));
            }
        }
        if (csv != null) {
            StringBuilder b = new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
            for (Map<String, Object> r : rows) {
                List<String> v = new ArrayList<>();
                r.values().forEach(x -> v.add(String.valueOf(x)));
                b.append(String.join(",", v)).append('\n');
            }
            Files.writeString(csv, b, StandardCharsets.UTF_8);
        }
        if (json != null) {
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(rows), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private ExplainRequest request(ModelDescription d) throws Exception {
        ImageInput img;
        if (image != null) {
            img = Requests.image(image);
        } else {
            int h = d.getInputSize().getHeight();
            int w = d.getInputSize().getWidth();
            float[] x = new float[3 * h * w];
            Random r = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            img = Requests.tensor(x, h, w);
        }
        ExplainRequest.Builder b = Requests.explain(img).setModel(model).setTopK(topK);
        if (layers) {
            for (MapKind k : MapKind.values()) {
                if (k != MapKind.MAP_KIND_UNSPECIFIED && k != MapKind.UNRECOGNIZED) {
                    b.addLayerMapKinds(k);
                }
            }
        }
        return b.build();
    }

    private Map<String, Object> level(LicnnClient client, ExplainRequest req, int clients) throws Exception {
        List<Double> lat = Collections.synchronizedList(new ArrayList<>());
        AtomicLong batchSum = new AtomicLong();
        AtomicLong queueNanos = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        CyclicBarrier go = new CyclicBarrier(clients + 1);
        long[] end = new long[1];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    for (int w = 0; w < warmup; w++) {
                        call(client, req, null);
                    }
                    go.await();
                    while (System.nanoTime() < end[0]) {
                        long t0 = System.nanoTime();
                        long[] r = call(client, req, null);
                        lat.add((System.nanoTime() - t0) / 1e6);
                        bytes.addAndGet(r[0]);
                        batchSum.addAndGet(r[1]);
                        queueNanos.addAndGet(r[2]);
                    }
                } catch (Exception e) {
                    errors.add(e);
                    go.reset();
                }
            });
            threads.add(t);
            t.start();
        }
        go.await();
        long start = System.nanoTime();
        end[0] = start + seconds * 1_000_000_000L;
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            Throwable e = errors.get(0);
            throw e instanceof Exception ? (Exception) e : new IllegalStateException(e);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> l = new ArrayList<>(lat);
        Collections.sort(l);
        int n = l.size();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clients", clients);
        row.put("requests", n);
        row.put("throughput", n / elapsed);
        row.put("p50_ms", pct(l, 50));
        row.put("p95_ms", pct(l, 95));
        row.put("p99_ms", pct(l, 99));
        row.put("mean_batch", n == 0 ? 0.0 : (double) batchSum.get() / n);
        row.put("mean_queue_ms", n == 0 ? 0.0 : queueNanos.get() / 1e6 / n);
        row.put("mb_per_map", n == 0 ? 0.0 : bytes.get() / 1e6 / n);
        return row;
    }

    /** Returns {bytes, batch size, queue nanos}. */
    private static long[] call(LicnnClient client, ExplainRequest req, Object unused) {
        long bytes = 0;
        Completed done = null;
        try (EventStream s = client.explainEvents(req)) {
            while (s.hasNext()) {
                ExplainEvent e = s.next();
                bytes += e.getSerializedSize();
                if (e.hasCompleted()) {
                    done = e.getCompleted();
                }
            }
        }
        if (done == null) {
            throw new IllegalStateException("stream ended without completion");
        }
        long q = done.getQueueTime().getSeconds() * 1_000_000_000L + done.getQueueTime().getNanos();
        return new long[] {bytes, done.getBatchSize(), q};
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
