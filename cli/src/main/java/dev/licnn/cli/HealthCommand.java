package dev.licnn.cli;

import dev.licnn.client.ClientOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code health --target host:port}: one {@code grpc.health.v1.Health/Check} call, for container
 * health checks. Exit code 0 when the server answers SERVING, 1 otherwise (NOT_SERVING,
 * unreachable, timeout), 2 for bad arguments.
 */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = "Check a server through the gRPC health service; exit 0 when it is SERVING.")
final class HealthCommand implements Callable<Integer> {

    @Option(
            names = "--target",
            defaultValue = "${env:LICNN_HEALTH_TARGET:-127.0.0.1:50051}",
            description =
                    "Server address host:port (env LICNN_HEALTH_TARGET, default ${DEFAULT-VALUE}).")
    String target;

    @Option(
            names = "--service",
            defaultValue = "",
            description =
                    "Service to check: empty for the whole server (default), or licnn.v1.LicnnService.")
    String service;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "5",
            description = "Deadline of the check (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing when the server is SERVING.")
    boolean quiet;

    @Mixin ClientSecurity security = new ClientSecurity();

    @Override
    public Integer call() throws Exception {
        if (!(timeoutSeconds > 0)) {
            throw new CliException("--timeout-seconds must be positive, got " + timeoutSeconds);
        }
        ClientOptions opts = security.apply(ClientOptions.builder()).build();
        ManagedChannel ch =
                Grpc.newChannelBuilder(target, opts.credentials())
                        .intercept(dev.licnn.client.ConnectionErrors.interceptor(target))
                        .build();
        try {
            HealthCheckResponse r =
                    HealthGrpc.newBlockingStub(ch)
                            .withDeadlineAfter((long) (timeoutSeconds * 1e9), TimeUnit.NANOSECONDS)
                            .check(HealthCheckRequest.newBuilder().setService(service).build());
            boolean ok = r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
            if (!ok || !quiet) {
                System.out.println(
                        target + (service.isEmpty() ? "" : " " + service) + ": " + r.getStatus());
            }
            return ok ? 0 : 1;
        } catch (StatusRuntimeException e) {
            System.out.println(
                    target
                            + ": "
                            + e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : ": " + e.getStatus().getDescription()));
            return 1;
        } finally {
            ch.shutdownNow();
            ch.awaitTermination(2, TimeUnit.SECONDS);
        }
    }
}
