package dev.licnn.cli.soak;

import com.google.protobuf.ByteString;
import dev.licnn.cli.ClientSecurity;
import dev.licnn.client.ClientOptions;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * outcome, p50/p99 of the valid explanations, and the server's RSS and heap (from its {@code
 * /metrics}); at the end the totals, the requests lost (must be 0), those answered outside the
 * contract (must be 0), the RSS growth after warm-up, and the server's exit status after SIGTERM.
 * Exit code 0 only if nothing was lost or answered outside the contract.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description =
                "Run mixed traffic (valid, invalid, cancelled, deadlined, slow readers, ExplainStream, Classify) "
                        + "against a server for N minutes; report outcomes, lost requests, latency, RSS and heap every minute.")
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
                    "RSS growth is measured from this minute on (default: a sixth of the run).")
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
            defaultValue = "1g",
            description = "Child server: -Xmx (default ${DEFAULT-VALUE}).")
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

    @Mixin ClientSecurity security = new ClientSecurity();

    private final List<String> report = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0) || clients < 1 || reportSeconds < 1) {
            throw new IllegalArgumentException(
                    "--minutes, --clients and --report-seconds must be positive");
        }
        double warmup = warmupMinutes != null ? warmupMinutes : minutes / 6;
        List<ByteString> images = images();
        Process server = null;
        String address = target;
        String metrics = metricsUrl;
        Path serverLog = null;
        if (target == null) {
            int port = freePort();
            int metricsPort = freePort();
            serverLog = Files.createTempFile("licnn-soak-server", ".log");
            server = startServer(port, metricsPort, serverLog);
            address = "127.0.0.1:" + port;
            metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
        }
        ClientOptions opts = security.apply(ClientOptions.builder()).build();
        List<ManagedChannel> channels = new ArrayList<>();
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "soak-timer");
                            t.setDaemon(true);
                            return t;
                        });
        SoakStats stats = new SoakStats();
        int code;
        try {
            ManagedChannel probe = channel(address, opts);
            channels.add(probe);
            awaitServing(probe, server, serverLog);
            int classes =
                    LicnnServiceGrpc.newBlockingStub(probe)
                            .withCallCredentials(opts.callCredentials())
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .describeModel(DescribeModelRequest.getDefaultInstance())
                            .getNumClasses();
            line(
                    "# licnn soak: %s, %d client(s), %.1f min, %d image(s), seed %d, %s",
                    address,
                    clients,
                    minutes,
                    images.size(),
                    seed,
                    LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            line("");
            line(
                    "| minute | requests | OK | client errors | cancelled | deadline | exhausted | lost | outside contract | p50 ms | p99 ms | RSS MB | heap MB |");
            line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
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
                                "soak-client-" + i);
                t.start();
                threads.add(t);
            }
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            SoakStats.Snapshot previous = null;
            List<double[]> memory = new ArrayList<>(); // {minute, rss MB, heap MB}
            for (int tick = 1; ; tick++) {
                long next = start + tick * (long) reportSeconds * 1_000_000_000L;
                long wait = Math.min(next, end) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                double minute = (System.nanoTime() - start) / 60e9;
                SoakStats.Snapshot now = stats.snapshot();
                double[] mem = scrape(metrics);
                memory.add(new double[] {minute, mem[0], mem[1]});
                row(
                        String.format(Locale.ROOT, "%.1f", minute),
                        now,
                        now.latenciesSince(previous),
                        mem);
                previous = now;
                if (System.nanoTime() >= end) {
                    break;
                }
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(SoakTraffic.GUARD_SECONDS + 60));
            }
            SoakStats.Snapshot total = stats.snapshot();
            long hanging = total.started() - total.finished();
            double[] mem = scrape(metrics);
            row("end", total, total.latenciesMs(), mem);
            memory.add(new double[] {(System.nanoTime() - start) / 60e9, mem[0], mem[1]});
            code = summary(total, hanging, memory, warmup) ? 0 : 1;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            timer.shutdownNow();
        }
        if (server != null) {
            server.destroy();
            boolean exited = server.waitFor(120, TimeUnit.SECONDS);
            int exit = exited ? server.exitValue() : -1;
            line("");
            line(
                    "Server stopped by SIGTERM: exit status %s (log: %s).",
                    exited ? exit : "none after 120 s", serverLog);
            if (!exited) {
                server.destroyForcibly();
            }
            if (exit != 0) {
                code = 1;
            }
        }
        if (out != null) {
            Files.write(out, report);
        }
        return code;
    }

    private boolean summary(
            SoakStats.Snapshot total, long hanging, List<double[]> memory, double warmup) {
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
        double[] atWarmup = null;
        double maxAfter = Double.NaN;
        for (double[] m : memory) {
            if (atWarmup == null && m[0] >= warmup - 1e-9) {
                atWarmup = m;
            }
            if (atWarmup != null && !Double.isNaN(m[1])) {
                maxAfter = Double.isNaN(maxAfter) ? m[1] : Math.max(maxAfter, m[1]);
            }
        }
        double[] last = memory.get(memory.size() - 1);
        if (atWarmup != null && !Double.isNaN(atWarmup[1])) {
            line(
                    "RSS after warm-up (minute %.1f): %.0f MB; at the end: %.0f MB; growth %+.0f MB (largest %.0f MB).",
                    atWarmup[0], atWarmup[1], last[1], last[1] - atWarmup[1], maxAfter);
        }
        total.unexpectedDetails().stream()
                .limit(20)
                .forEach(d -> line("- outside the contract: %s", d));
        return lost == 0 && total.unexpected() == 0;
    }

    private void row(String minute, SoakStats.Snapshot s, List<Double> latencies, double[] mem) {
        long clientErrors = s.count("INVALID_ARGUMENT") + s.count("NOT_FOUND");
        line(
                "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s |",
                minute,
                s.finished(),
                s.count("OK"),
                clientErrors,
                s.count("CANCELLED"),
                s.count("DEADLINE_EXCEEDED"),
                s.count("RESOURCE_EXHAUSTED"),
                s.lost(),
                s.unexpected(),
                ms(SoakStats.quantile(latencies, 0.5)),
                ms(SoakStats.quantile(latencies, 0.99)),
                mb(mem[0]),
                mb(mem[1]));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String mb(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private void line(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.add(s);
        PrintStream o = System.out;
        o.println(s);
        o.flush();
    }

    /** {RSS MB, heap MB} from the server's metrics, NaN where unknown. */
    private static double[] scrape(String url) {
        double[] out = {Double.NaN, Double.NaN};
        if (url == null) {
            return out;
        }
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("licnn_process_resident_memory_bytes ")) {
                    out[0] =
                            Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim())
                                    / (1 << 20);
                } else if (line.startsWith("licnn_jvm_heap_used_bytes ")) {
                    out[1] =
                            Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim())
                                    / (1 << 20);
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported as unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static ManagedChannel channel(String address, ClientOptions opts) {
        return Grpc.newChannelBuilder(address, opts.credentials())
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startServer(int port, int metricsPort, Path log) throws IOException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx" + serverHeap,
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.licnn.cli.Licnn",
                                "serve",
                                "--host",
                                "127.0.0.1",
                                "--port",
                                String.valueOf(port),
                                "--metrics-port",
                                String.valueOf(metricsPort),
                                "--shutdown-delay-seconds",
                                "0",
                                "--no-warmup"));
        if (model != null) {
            cmd.addAll(List.of("--model", model.toString()));
        }
        if (randomModel != null) {
            cmd.addAll(List.of("--random-model", randomModel));
        }
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        System.err.println("soak: starting the server (log: " + log + ")");
        return pb.start();
    }

    private static void awaitServing(ManagedChannel ch, Process server, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            if (server != null && !server.isAlive()) {
                throw new IllegalStateException(
                        "the server exited with " + server.exitValue() + "; see " + log);
            }
            try {
                if (HealthGrpc.newBlockingStub(ch)
                                .withDeadlineAfter(2, TimeUnit.SECONDS)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus()
                        == ServingStatus.SERVING) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the server is not serving after 5 minutes");
            }
            Thread.sleep(500);
        }
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
