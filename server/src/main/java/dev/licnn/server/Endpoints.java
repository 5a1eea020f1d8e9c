package dev.licnn.server;

import dev.licnn.server.web.GrpcWebServer;
import io.grpc.Server;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/** The server's three kinds of {@link Endpoint}. */
final class Endpoints {

    private Endpoints() {}

    /** The gRPC port: any transport a {@code ServerBuilder} builds (Netty, in-process). */
    static final class Grpc implements Endpoint {
        private final Server server;
        private boolean started;

        Grpc(Server server) {
            this.server = server;
        }

        @Override
        public String name() {
            return "gRPC";
        }

        @Override
        public void start() throws IOException {
            server.start();
            started = true;
        }

        List<? extends SocketAddress> listenSockets() {
            return server.getListenSockets();
        }

        void awaitTermination() throws InterruptedException {
            server.awaitTermination();
        }

        @Override
        public void stopAccepting() {
            server.shutdown();
        }

        @Override
        public boolean awaitStopped(long deadlineNanos) throws InterruptedException {
            long left = deadlineNanos - System.nanoTime();
            return left > 0 && server.awaitTermination(left, TimeUnit.NANOSECONDS);
        }

        @Override
        public void stopNow() {
            if (!server.isTerminated()) {
                server.shutdownNow();
                try {
                    server.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public int port() {
            return started ? server.getPort() : -1;
        }
    }

    /** gRPC-Web and the viewer (Armeria). */
    static final class Web implements Endpoint {
        private final GrpcWebServer.Builder builder;
        @Nullable private GrpcWebServer web;

        Web(GrpcWebServer.Builder builder) {
            this.builder = builder;
        }

        @Override
        public String name() {
            return "gRPC-Web";
        }

        @Override
        public void start() throws IOException {
            web = builder.build();
            web.start();
        }

        @Override
        public void stopAccepting() {
            if (web != null) {
                web.stopAsync();
            }
        }

        @Override
        public boolean awaitStopped(long deadlineNanos) {
            return web == null || web.awaitStopped(deadlineNanos);
        }

        @Override
        public void stopNow() {
            if (web != null) {
                web.close();
            }
        }

        @Override
        public int port() {
            return web == null ? -1 : web.port();
        }
    }

    /** Prometheus metrics over HTTP. */
    static final class Metrics implements Endpoint {
        private final int port;
        @Nullable private final String host;
        private final PrometheusRegistry registry;
        @Nullable private HTTPServer server;

        Metrics(int port, @Nullable String host, PrometheusRegistry registry) {
            this.port = port;
            this.host = host;
            this.registry = registry;
        }

        @Override
        public String name() {
            return "metrics";
        }

        @Override
        public void start() throws IOException {
            HTTPServer.Builder b = HTTPServer.builder().port(port).registry(registry);
            if (host != null) {
                b.hostname(host);
            }
            server = b.buildAndStart();
        }

        @Override
        public void stopAccepting() {
            // Scrapes are short: the metrics port stays up until the end of the drain.
        }

        @Override
        public boolean awaitStopped(long deadlineNanos) {
            return true;
        }

        @Override
        public void stopNow() {
            if (server != null) {
                server.close();
            }
        }

        @Override
        public int port() {
            return server == null ? -1 : server.getPort();
        }
    }
}
