package dev.licnn.cli.soak;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server a soak starts: {@code licnn serve} in a child JVM on two loopback ports picked by
 * {@link FreePorts}, its output in a log file. The owner of the process: {@link #stop} sends
 * SIGTERM and waits for the exit status, {@link #close} kills a child that is still running (a soak
 * that failed half-way leaves no server behind).
 */
final class ChildServer implements AutoCloseable {

    private static final long STOP_SECONDS = 120;

    private final Process process;
    private final int port;
    private final int metricsPort;
    private final Path log;

    private ChildServer(Process process, int port, int metricsPort, Path log) {
        this.process = process;
        this.port = port;
        this.metricsPort = metricsPort;
        this.log = log;
    }

    /**
     * Starts {@code licnn serve} with this JVM's java and class path, without warm-up.
     *
     * @param jvmOptions options of the child JVM (heap size, GC)
     * @param serveArgs further {@code serve} options (models)
     */
    static ChildServer start(List<String> jvmOptions, List<String> serveArgs) throws IOException {
        int port = FreePorts.pick();
        int metricsPort = FreePorts.pick();
        Path log = Files.createTempFile("licnn-soak-server", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(
                List.of(
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
        cmd.addAll(serveArgs);
        System.err.println("soak: starting the server (log: " + log + ")");
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        return new ChildServer(p, port, metricsPort, log);
    }

    /**
     * The JVM options {@code licnn serve SERVEARGS} gets from the launcher: {@code
     * dev.licnn.server.HeapSizing} run in a small JVM (by name: this package does not import the
     * server).
     *
     * @throws IOException if it cannot be run or prints nothing
     */
    static List<String> sizedHeap(List<String> serveArgs) throws IOException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+UseSerialGC",
                                "-Xmx128m",
                                "-Dai.djl.offline=true",
                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.licnn.server.HeapSizing"));
        cmd.addAll(serveArgs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IOException("the server's heap could not be sized; pass --server-heap");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sizing the server's heap", e);
        }
        return List.of(out.split("\\s+"));
    }

    /** {@code 127.0.0.1:PORT}, the gRPC address. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** The {@code /metrics} URL. */
    String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    Path log() {
        return log;
    }

    /**
     * Waits until the gRPC health service on {@code ch} says SERVING.
     *
     * @param server the child to watch (its exit ends the wait), or null for a server the soak did
     *     not start
     * @throws IllegalStateException if the child exits, or nothing serves after 5 minutes
     */
    static void awaitServing(ManagedChannel ch, ChildServer server) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            if (server != null && !server.process.isAlive()) {
                throw new IllegalStateException(
                        "the server exited with "
                                + server.process.exitValue()
                                + "; see "
                                + server.log);
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

    /**
     * Sends SIGTERM and waits up to 2 minutes.
     *
     * @return the exit status, or -1 if it had not exited (it is then killed)
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        return -1;
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
