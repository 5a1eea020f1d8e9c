package dev.licnn.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** The server's Prometheus metrics, in a registry of their own (no global state). */
public final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter requests =
            Counter.builder()
                    .name("licnn_requests_total")
                    .help("Finished requests by RPC and gRPC status code")
                    .labelNames("rpc", "code")
                    .register(registry);
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile IntSupplier inFlight = () -> 0;
    final Histogram queueTime =
            Histogram.builder()
                    .name("licnn_queue_time_seconds")
                    .help("Time from submission until a worker takes the request")
                    .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                    .register(registry);
    final Histogram batchSize =
            Histogram.builder()
                    .name("licnn_batch_size")
                    .help("Requests per batch run by a worker")
                    .labelNames("kind")
                    .classicUpperBounds(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64)
                    .register(registry);
    final Histogram computeTime =
            Histogram.builder()
                    .name("licnn_compute_seconds")
                    .help("Compute time of one batch by stage")
                    .labelNames("stage")
                    .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)
                    .register(registry);
    final Counter bytesStreamed =
            Counter.builder()
                    .name("licnn_streamed_bytes_total")
                    .help("Bytes of response messages handed to the transport")
                    .register(registry);
    final Counter batches =
            Counter.builder()
                    .name("licnn_batches_total")
                    .help("Batches run by the workers, by kind")
                    .labelNames("kind")
                    .register(registry);
    final Counter rejected =
            Counter.builder()
                    .name("licnn_rejected_total")
                    .help(
                            "Requests refused, dropped before computing, or ended by the server, by reason")
                    .labelNames("reason")
                    .register(registry);

    final Counter imagesDecoded =
            Counter.builder()
                    .name("licnn_images_decoded_total")
                    .help("Request images decoded and prepared (encoded or tensor)")
                    .register(registry);
    final Counter variantBuilds =
            Counter.builder()
                    .name("licnn_variant_builds_total")
                    .help("Model variants (re-initialised layers) built by the workers")
                    .register(registry);

    ServerMetrics() {
        // Read when scraped, so they never lag behind the pool (cancelled requests leave the queue
        // at once).
        GaugeWithCallback.builder()
                .name("licnn_queue_depth")
                .help("Requests waiting for a worker")
                .callback(cb -> cb.call(queueDepth.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("licnn_in_flight")
                .help("Requests taken by a worker and not finished")
                .callback(cb -> cb.call(inFlight.getAsInt()))
                .register(registry);
    }

    /**
     * Registers the process's memory: {@code licnn_process_resident_memory_bytes} (Linux), {@code
     * licnn_jvm_heap_used_bytes} and {@code licnn_jvm_heap_committed_bytes}, read when scraped.
     * {@code licnn soak} watches them for growth; RSS minus the committed heap is the native memory
     * (libtorch's arrays, malloc arenas, metaspace, thread stacks).
     */
    ServerMetrics withProcessMemory() {
        GaugeWithCallback.builder()
                .name("licnn_jvm_heap_used_bytes")
                .help("JVM heap in use")
                .callback(
                        cb ->
                                cb.call(
                                        java.lang.management.ManagementFactory.getMemoryMXBean()
                                                .getHeapMemoryUsage()
                                                .getUsed()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("licnn_jvm_heap_committed_bytes")
                .help("JVM heap committed (reserved from the OS for the heap)")
                .callback(
                        cb ->
                                cb.call(
                                        java.lang.management.ManagementFactory.getMemoryMXBean()
                                                .getHeapMemoryUsage()
                                                .getCommitted()))
                .register(registry);
        if (java.nio.file.Files.isReadable(STATUS)) {
            GaugeWithCallback.builder()
                    .name("licnn_process_resident_memory_bytes")
                    .help("Resident set size of the server process (VmRSS)")
                    .callback(
                            cb -> {
                                long rss = residentBytes();
                                if (rss >= 0) {
                                    cb.call(rss);
                                }
                            })
                    .register(registry);
        }
        return this;
    }

    private static final java.nio.file.Path STATUS = java.nio.file.Path.of("/proc/self/status");

    /** VmRSS of this process in bytes, or -1 if it cannot be read. */
    static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Where the queue-depth and in-flight gauges read their values. */
    void observePool(IntSupplier queueDepth, IntSupplier inFlight) {
        this.queueDepth = queueDepth;
        this.inFlight = inFlight;
    }

    /** Requests refused or ended for {@code reason} so far. */
    public double rejectedCount(String reason) {
        return rejected.labelValues(reason).get();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus text format. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Requests finished for {@code rpc} with {@code code} so far. */
    public double requestCount(String rpc, String code) {
        return requests.labelValues(rpc, code).get();
    }

    private final java.util.concurrent.atomic.LongAccumulator maxBatch =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** Records a batch of {@code size} requests of {@code kind}. */
    void observeBatch(String kind, int size) {
        batchSize.labelValues(kind).observe(size);
        batches.labelValues(kind).inc();
        maxBatch.accumulate(size);
    }

    /** Batches of {@code kind} run so far. */
    public double batchCount(String kind) {
        return batches.labelValues(kind).get();
    }

    /** Request images decoded so far. */
    public double imagesDecodedCount() {
        return imagesDecoded.get();
    }

    /** Model variants built so far, over all workers (a cache hit builds none). */
    public double variantBuildCount() {
        return variantBuilds.get();
    }

    /** Largest batch any worker has run so far. */
    public long maxBatchSize() {
        return maxBatch.get();
    }
}
