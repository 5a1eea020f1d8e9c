package dev.licnn.server;

import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The JVM heap a server needs for what it serves, from the same options as {@code licnn serve}
 * (parsed by {@link ServeCommand} itself, so the defaults and {@code LICNN_*} settings are the
 * same). The launcher and the container's entrypoint run it before the server starts and pass its
 * output to the server's JVM:
 *
 * <pre>
 * java -cp ... dev.licnn.server.HeapSizing --model models/shapes-vgg16 --max-batch-size 4
 * -Xmx1344m -XX:+UseG1GC -XX:G1PeriodicGCInterval=60000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
 * </pre>
 *
 * <p>The weights are not on the heap: they are read into native (libtorch) arrays, one copy per
 * worker. What is on the heap, and counted here:
 *
 * <ul>
 *   <li>a base of {@value #BASE_MB} MB (gRPC, Netty, the web port, classes, metrics);
 *   <li>the work of every worker's batch: per image and class ({@value #TOP_K} classes assumed, the
 *       default {@code top_k}), {@value #FLOATS_PER_PIXEL} floats per feature-map pixel of every
 *       layer (the Java gates' Max-C, normalised, inhibition and keep maps, the gated and layer
 *       maps), for the model with the largest feature maps;
 *   <li>the queue: every queued request at its largest size plus its decoded input;
 *   <li>the streams: the stream budget of every stream a worker's batch may be producing;
 * </ul>
 *
 * <p>and a margin of {@value #MARGIN} on the sum (G1 needs free regions to collect without full
 * pauses). The G1 options return heap that is not needed: a concurrent collection after a minute
 * without one, and the heap shrunk when more than 30% of it is free, so that RSS follows the work.
 */
public final class HeapSizing {

    static final long BASE_MB = 256;
    static final int TOP_K = 5;
    static final int FLOATS_PER_PIXEL = 8;
    static final double MARGIN = 1.5;
    static final long MIN_MB = 512;
    static final String RETURN_UNUSED_HEAP =
            "-XX:+UseG1GC -XX:G1PeriodicGCInterval=60000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";

    private static final long MB = 1 << 20;

    private HeapSizing() {}

    /** The heap's parts, in bytes. */
    record Plan(long base, long work, long queue, long streams) {

        /** The sum times the margin, rounded up to 64 MB, at least {@value #MIN_MB} MB. */
        long heapMb() {
            double mb = MARGIN * (base + work + queue + streams) / MB;
            return Math.max(MIN_MB, (long) Math.ceil(mb / 64) * 64);
        }

        /** The JVM options: the heap size and the G1 options that return unused heap. */
        String jvmOptions() {
            return "-Xmx" + heapMb() + "m " + RETURN_UNUSED_HEAP;
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "heap %d MB = %.1f x (base %d MB + batch work %d MB + queue %d MB + streams %d MB)",
                    heapMb(),
                    MARGIN,
                    base / MB,
                    work / MB,
                    queue / MB,
                    streams / MB);
        }
    }

    /** Heap bytes of one image and one class of a batch on {@code spec}. */
    static long bytesPerRow(VggSpec spec) {
        int in = spec.inputSize();
        long pixels = 0;
        for (ai.djl.ndarray.types.Shape s : spec.featureReluShapes(in, in)) {
            pixels += s.get(1) * s.get(2);
        }
        long input = 3L * in * in;
        return 4L * (FLOATS_PER_PIXEL * pixels + input);
    }

    /**
     * The plan for serving {@code specs}.
     *
     * @param workers number of workers
     * @param maxBatch the largest batch a worker runs
     * @param maxQueue queued requests before RESOURCE_EXHAUSTED
     * @param maxRequestMb largest request message in MiB
     * @param streamBudgetMb MiB that may wait for one slow reader
     */
    static Plan plan(
            List<VggSpec> specs,
            int workers,
            int maxBatch,
            int maxQueue,
            int maxRequestMb,
            long streamBudgetMb) {
        long row = 0;
        long input = 0;
        for (VggSpec s : specs) {
            row = Math.max(row, bytesPerRow(s));
            input = Math.max(input, 4L * 3 * s.inputSize() * s.inputSize());
        }
        long inFlight = (long) workers * maxBatch;
        return new Plan(
                BASE_MB * MB,
                inFlight * TOP_K * row,
                maxQueue * (maxRequestMb * MB + input),
                inFlight * streamBudgetMb * MB);
    }

    /** The plan for {@code licnn serve} with these arguments. */
    static Plan forServeArguments(String... args) throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        List<VggSpec> specs = new ArrayList<>();
        for (java.nio.file.Path dir : serve.models) {
            specs.add(ModelCard.load(dir).spec());
        }
        for (String r : serve.randomModels) {
            specs.add(BundledModels.random(r).spec());
        }
        if (specs.isEmpty()) {
            specs.add(BundledModels.defaultModel().spec());
        }
        return plan(
                specs,
                serve.workers.size(),
                serve.maxBatchSize,
                serve.maxQueueSize,
                serve.maxRequestMb,
                serve.streamBudgetMb);
    }

    /**
     * Prints the JVM options for {@code licnn serve ARGS} on standard output, and how the heap was
     * sized on standard error; exits with status 2 (printing nothing on standard output) if the
     * arguments cannot be read, so that the caller falls back to its own default.
     */
    public static void main(String[] args) {
        try {
            Plan p = forServeArguments(args);
            System.err.println("licnn: " + p.describe());
            System.out.println(p.jvmOptions());
        } catch (Exception e) {
            System.err.println("licnn: heap not sized (" + e.getMessage() + ")");
            System.exit(2);
        }
    }
}
