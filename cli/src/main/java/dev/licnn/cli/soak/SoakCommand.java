package dev.licnn.cli.soak;

import com.google.protobuf.ByteString;
import dev.licnn.cli.ClientSecurity;
import dev.licnn.client.ClientOptions;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code soak}: minutes of mixed traffic against a server (by default one it starts as a child
 * process on loopback ports): valid, invalid, cancelled and deadlined explanations, slow readers,
 * ExplainStream and Classify calls from several clients. Every minute it prints requests by
 * outcome, p50/p99 of the valid explanations, and the server's RSS, heap used, heap committed and
 * native memory (RSS minus heap committed), from its {@code /metrics}; at the end the totals, the
 * requests lost (must be 0), those answered outside the contract (must be 0), the growth of each
 * memory series after warm-up (the first quarter) against its floor, and the server's exit status
 * after SIGTERM. Exit code 0 only if nothing was lost or answered outside the contract, and, with
 * {@code --check-memory}, no growth floor was broken.
 *
 * <p>Its parts: {@link ChildServer} owns the child process (on ports from {@link FreePorts}),
 * {@link MetricsScraper} reads the memory, {@link SoakTraffic} sends one client's requests, {@link
 * MinuteTable} writes the rows and {@link MemoryJudgement} judges the growth.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description =
                "Run mixed traffic (valid, invalid, cancelled, deadlined, slow readers, ExplainStream, Classify) "
                        + "against a server for N minutes; report outcomes, lost requests, latency, RSS, heap and native memory every minute.")
public final class SoakCommand implements Callable<Integer> {

    @Option(
            names = "--minutes",
            defaultValue = "30",
            description = "Length of the run (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
            names = "--clients",
            defaultValue = "4",
            description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(
            names = "--report-seconds",
            defaultValue = "60",
            description = "Interval of the report lines (default ${DEFAULT-VALUE}).")
    int reportSeconds;

    @Option(
            names = "--warmup-minutes",
            description =
                    "Memory growth is measured from this minute on (default: the first quarter of the run).")
    Double warmupMinutes;

    @Option(
            names = "--target",
            description = "A running server host:port (default: start one as a child process).")
    String target;

    @Option(
            names = "--metrics-url",
            description = "The /metrics URL of --target, for RSS and heap.")
    String metricsUrl;

    @Option(
            names = "--model",
            description = "Child server: serve this model folder (default: the bundled model).")
    Path model;

    @Option(
            names = "--random-model",
            description = "Child server: serve ARCH[:CLASSES] with random weights, e.g. vgg16.")
    String randomModel;

    @Option(
            names = "--server-heap",
            defaultValue = "auto",
            description =
                    "Child server: -Xmx, or auto: the heap `licnn serve` gets from the launcher, sized for "
                            + "what it serves, with the G1 options that return unused heap (default ${DEFAULT-VALUE}).")
    String serverHeap;

    @Option(
            names = "--images",
            description =
                    "Folder of PNG/JPEG images to send (default: $LICNN_HOME/samples, else generated).")
    Path imagesDir;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the traffic mix (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Also write the report as Markdown to this file.")
    Path out;

    @Option(
            names = "--check-memory",
            description =
                    "Exit with status 1 when the RSS or native memory grows by its floor or more after warm-up.")
    boolean checkMemory;

    @Option(
            names = "--rss-floor-mb",
            defaultValue = "100",
            description =
                    "RSS growth after warm-up must stay under this (default ${DEFAULT-VALUE} MB).")
    double rssFloorMb;

    @Option(
            names = "--native-floor-mb",
            defaultValue = "20",
            description =
                    "Native memory (RSS - heap committed) growth after warm-up must stay under this "
                            + "(default ${DEFAULT-VALUE} MB).")
    double nativeFloorMb;

    @Mixin ClientSecurity security = new ClientSecurity();

    private final List<String> report = new ArrayList<>();
    private String serverJvm;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0) || clients < 1 || reportSeconds < 1) {
            throw new IllegalArgumentException(
                    "--minutes, --clients and --report-seconds must be positive");
        }
        double warmup = warmupMinutes != null ? warmupMinutes : minutes / 4;
        List<ByteString> images = images();
        ClientOptions opts = security.apply(ClientOptions.builder()).build();
        try (ChildServer server = target == null ? startServer() : null) {
            String address = server != null ? server.address() : target;
            MetricsScraper metrics =
                    new MetricsScraper(server != null ? server.metricsUrl() : metricsUrl);
            boolean ok = soak(address, opts, images, metrics, warmup, server);
            if (server != null) {
                int exit = server.stop();
                line("");
                line(
                        "Server stopped by SIGTERM: exit status %s (log: %s).",
                        exit >= 0 ? exit : "none after 120 s", server.log());
                ok &= exit == 0;
            }
            return ok ? 0 : 1;
        } finally {
            if (out != null) {
                Files.write(out, report);
            }
        }
    }

    /** The traffic, the minute table and the summary; true if the run passed. */
    private boolean soak(
            String address,
            ClientOptions opts,
            List<ByteString> images,
            MetricsScraper metrics,
            double warmup,
            ChildServer server)
            throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "soak-timer");
                            t.setDaemon(true);
                            return t;
                        });
        SoakStats stats = new SoakStats();
        try {
            ManagedChannel probe = channel(address, opts);
            channels.add(probe);
            int classes = awaitClasses(probe, opts, server);
            line(
                    "# licnn soak: %s, %d client(s), %.1f min, %d image(s), seed %d, %s",
                    address,
                    clients,
                    minutes,
                    images.size(),
                    seed,
                    LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            if (serverJvm != null) {
                line("");
                line("Child server's JVM options: `%s`.", serverJvm);
            }
            line("");
            MinuteTable.header().forEach(this::line);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                ManagedChannel ch = channel(address, opts);
                channels.add(ch);
                SoakTraffic traffic =
                        new SoakTraffic(
                                ch,
                                opts.callCredentials(),
                                images,
                                classes,
                                stats,
                                timer,
                                seed * 1000 + i);
                threads.add(clientThread(traffic, stats, stop, i));
            }
            List<MemorySample> memory = reportEveryInterval(stats, metrics);
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(SoakTraffic.GUARD_SECONDS + 60));
            }
            SoakStats.Snapshot total = stats.snapshot();
            long hanging = total.started() - total.finished();
            MemorySample end = metrics.sample(memory.get(memory.size() - 1).minute());
            line(MinuteTable.row("end", total, total.latenciesMs(), end));
            memory.add(end);
            boolean trafficOk = summary(total, hanging);
            return memoryOk(memory, warmup) && trafficOk;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            timer.shutdownNow();
        }
    }

    /** Waits until the server serves; the number of classes of its default model. */
    private static int awaitClasses(ManagedChannel probe, ClientOptions opts, ChildServer server)
            throws InterruptedException {
        ChildServer.awaitServing(probe, server);
        return LicnnServiceGrpc.newBlockingStub(probe)
                .withCallCredentials(opts.callCredentials())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .describeModel(DescribeModelRequest.getDefaultInstance())
                .getNumClasses();
    }

    /** The growth lines; false only with {@code --check-memory} and a broken floor. */
    private boolean memoryOk(List<MemorySample> memory, double warmup) {
        MemoryJudgement judgement =
                MemoryJudgement.of(
                        memory,
                        warmup,
                        Map.of(
                                MemorySample.Series.RSS,
                                rssFloorMb,
                                MemorySample.Series.NATIVE,
                                nativeFloorMb));
        judgement.lines().forEach(this::line);
        if (checkMemory && judgement.floorBroken()) {
            line("Memory: a growth floor is broken (--check-memory).");
            return false;
        }
        return true;
    }

    /** A started client thread that sends {@code traffic} until {@code stop}. */
    private static Thread clientThread(
            SoakTraffic traffic, SoakStats stats, AtomicBoolean stop, int index) {
        Thread t =
                new Thread(
                        () -> {
                            while (!stop.get()) {
                                try {
                                    traffic.next();
                                } catch (InterruptedException e) {
                                    return;
                                } catch (RuntimeException e) {
                                    stats.finish(
                                            SoakStats.Kind.VALID,
                                            "client error " + e.getClass().getSimpleName(),
                                            false,
                                            e.toString());
                                }
                            }
                        },
                        "soak-client-" + index);
        t.start();
        return t;
    }

    /** One table row every {@code --report-seconds} until {@code --minutes}; the memory samples. */
    private List<MemorySample> reportEveryInterval(SoakStats stats, MetricsScraper metrics)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (minutes * 60e9);
        SoakStats.Snapshot previous = null;
        List<MemorySample> memory = new ArrayList<>();
        for (int tick = 1; ; tick++) {
            long next = start + tick * (long) reportSeconds * 1_000_000_000L;
            long wait = Math.min(next, end) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            double minute = (System.nanoTime() - start) / 60e9;
            SoakStats.Snapshot now = stats.snapshot();
            MemorySample mem = metrics.sample(minute);
            memory.add(mem);
            line(
                    MinuteTable.row(
                            String.format(Locale.ROOT, "%.1f", minute),
                            now,
                            now.latenciesSince(previous),
                            mem));
            previous = now;
            if (System.nanoTime() >= end) {
                return memory;
            }
        }
    }

    /** The outcomes by kind, lost requests and latency; true if nothing was lost or unexpected. */
    private boolean summary(SoakStats.Snapshot total, long hanging) {
        line("");
        line("| request kind | outcomes |");
        line("|---|---|");
        for (Map.Entry<String, Map<String, Long>> e : total.outcomes().entrySet()) {
            StringBuilder sb = new StringBuilder();
            e.getValue()
                    .forEach(
                            (k, v) ->
                                    sb.append(sb.length() == 0 ? "" : ", ")
                                            .append(k)
                                            .append(' ')
                                            .append(v));
            line("| %s | %s |", e.getKey(), sb);
        }
        long lost = total.lost() + hanging;
        line("");
        line(
                "Requests: %d sent, %d answered, %d lost (%d without an answer at the end), %d answered outside the contract.",
                total.started(), total.finished(), lost, hanging, total.unexpected());
        List<Double> lat = total.latenciesMs();
        line(
                "Valid explanations: n = %d, p50 %.0f ms, p99 %.0f ms.",
                lat.size(), SoakStats.quantile(lat, 0.5), SoakStats.quantile(lat, 0.99));
        total.unexpectedDetails().stream()
                .limit(20)
                .forEach(d -> line("- outside the contract: %s", d));
        return lost == 0 && total.unexpected() == 0;
    }

    private void line(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.add(s);
        PrintStream o = System.out;
        o.println(s);
        o.flush();
    }

    private static ManagedChannel channel(String address, ClientOptions opts) {
        return Grpc.newChannelBuilder(address, opts.credentials())
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    /** The child server, with the models asked for. */
    private ChildServer startServer() throws IOException {
        List<String> serveArgs = new ArrayList<>();
        if (model != null) {
            serveArgs.addAll(List.of("--model", model.toString()));
        }
        if (randomModel != null) {
            serveArgs.addAll(List.of("--random-model", randomModel));
        }
        List<String> jvm =
                serverHeap.equals("auto")
                        ? ChildServer.sizedHeap(serveArgs)
                        : List.of("-Xmx" + serverHeap);
        serverJvm = String.join(" ", jvm);
        return ChildServer.start(jvm, serveArgs);
    }

    /** Encoded images to send: a folder's PNG/JPEG files, or generated ones. */
    private List<ByteString> images() throws IOException {
        Path dir = imagesDir;
        if (dir == null && System.getenv("LICNN_HOME") != null) {
            dir = Path.of(System.getenv("LICNN_HOME"), "samples");
        }
        List<ByteString> out = new ArrayList<>();
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (Files.isRegularFile(p)
                            && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"))) {
                        out.add(ByteString.copyFrom(Files.readAllBytes(p)));
                    }
                }
            }
        }
        if (out.isEmpty()) {
            Random r = new Random(seed);
            for (int i = 0; i < 8; i++) {
                BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(0xFFFFFF)));
                g.fillRect(0, 0, 256, 256);
                g.setColor(new Color(r.nextInt(0xFFFFFF)));
                g.fillOval(r.nextInt(128), r.nextInt(128), 64 + r.nextInt(64), 64 + r.nextInt(64));
                g.dispose();
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                ImageIO.write(img, "png", b);
                out.add(ByteString.copyFrom(b.toByteArray()));
            }
        }
        return out;
    }
}
