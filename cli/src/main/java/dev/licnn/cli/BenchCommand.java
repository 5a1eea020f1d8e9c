package dev.licnn.cli;

import com.google.gson.GsonBuilder;
import dev.licnn.bench.ClosedLoopLoad;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: closed-loop load at several concurrency levels, like Triton's perf_analyzer:
 * throughput, latency percentiles, the server's batch sizes and queue times. Each level is a {@link
 * ClosedLoopLoad}: warm-up requests, then a window of at least {@code --seconds} and {@code
 * --min-requests} completions, counting only work completed inside it.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark Explain at several concurrency levels.")
final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,2,4,8",
            description = "Concurrent clients per level (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--seconds",
            defaultValue = "20",
            description = "Least measurement time per level (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--min-requests",
            defaultValue = "10",
            description =
                    "Least requests completed inside each level's window (default ${DEFAULT-VALUE}).")
    int minRequests;

    @Option(
            names = "--warmup",
            defaultValue = "1",
            description =
                    "Unmeasured requests per client before each level (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Classes per map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--layers",
            description = "Stream every layer map of every class (all five kinds).")
    boolean layers;

    @Option(names = "--image", description = "Image to explain (default: a seeded random tensor).")
    Path image;

    @Option(names = "--model", defaultValue = "", description = "Model name on the server.")
    String model;

    @Option(names = "--csv", description = "Write the table as CSV.")
    Path csv;

    @Option(names = "--json", description = "Write the table as JSON.")
    Path json;

    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
        if (seconds < 0 || minRequests < 1 || warmup < 0) {
            throw new CliException("--seconds must be >= 0, --min-requests >= 1 and --warmup >= 0");
        }
        if (image != null && !Files.isRegularFile(image)) {
            throw new CliException("no such file: " + image);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(model);
            ExplainRequest req = request(d);
            System.out.printf(
                    "model %s, top-%d, %s, %d s per level%n",
                    d.getName(),
                    topK,
                    layers ? "every layer map streamed" : "final maps only",
                    seconds);
            System.out.println(
                    "clients  maps/s [95% interval]   p50 ms   p95 ms   p99 ms  mean batch  mean queue ms  MB/map"
                            + "  requests  window s");
            for (int c : concurrency) {
                Map<String, Object> row =
                        level(s.client, req, c, warmup, Duration.ofSeconds(seconds), minRequests);
                rows.add(row);
                System.out.printf(
                        "%7d  %6.3f [%.3f, %.3f]  %7.0f  %7.0f  %7.0f  %10.2f  %13.1f  %6.2f  %8d  %8.1f%n",
                        c,
                        row.get("throughput"),
                        row.get("throughput_lo"),
                        row.get("throughput_hi"),
                        row.get("p50_ms"),
                        row.get("p95_ms"),
                        row.get("p99_ms"),
                        row.get("mean_batch"),
                        row.get("mean_queue_ms"),
                        row.get("mb_per_map"),
                        row.get("requests"),
                        row.get("window_s"));
            }
        }
        if (csv != null) {
            StringBuilder b =
                    new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
            for (Map<String, Object> r : rows) {
                List<String> v = new ArrayList<>();
                r.values().forEach(x -> v.add(String.valueOf(x)));
                b.append(String.join(",", v)).append('\n');
            }
            Files.writeString(csv, b, StandardCharsets.UTF_8);
        }
        if (json != null) {
            Files.writeString(
                    json,
                    new GsonBuilder().setPrettyPrinting().create().toJson(rows),
                    StandardCharsets.UTF_8);
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

    /**
     * One level: {@code clients} closed-loop clients, {@code warmup} unmeasured requests each, then
     * a window of at least {@code seconds} and at least {@code minRequests} completed requests.
     */
    static Map<String, Object> level(
            LicnnClient client,
            ExplainRequest req,
            int clients,
            int warmup,
            Duration seconds,
            int minRequests)
            throws Exception {
        return level(client, req, clients, warmup, seconds, minRequests, System::nanoTime);
    }

    /** The same, timed by {@code clock} (nanoseconds). */
    static Map<String, Object> level(
            LicnnClient client,
            ExplainRequest req,
            int clients,
            int warmup,
            Duration seconds,
            int minRequests,
            java.util.function.LongSupplier clock)
            throws Exception {
        ClosedLoopLoad.Result r =
                ClosedLoopLoad.builder()
                        .setClients(clients)
                        .optWarmup(warmup)
                        .optMinDuration(seconds)
                        .optMinCompletions(minRequests)
                        .optClock(clock)
                        .build()
                        .run(c -> () -> call(client, req));
        int n = r.completed();
        double[] ci = r.throughputInterval();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clients", clients);
        row.put("requests", n);
        row.put("window_s", r.windowSeconds());
        row.put("throughput", r.throughput());
        row.put("throughput_lo", ci[0]);
        row.put("throughput_hi", ci[1]);
        row.put("p50_ms", r.percentileMs(50));
        row.put("p95_ms", r.percentileMs(95));
        row.put("p99_ms", r.percentileMs(99));
        row.put("mean_batch", n == 0 ? 0.0 : (double) r.counter(1) / n);
        row.put("mean_queue_ms", n == 0 ? 0.0 : r.counter(2) / 1e6 / n);
        row.put("mb_per_map", n == 0 ? 0.0 : r.counter(0) / 1e6 / n);
        return row;
    }

    /** Returns {bytes, batch size, queue nanos}. */
    private static long[] call(LicnnClient client, ExplainRequest req) {
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
}
