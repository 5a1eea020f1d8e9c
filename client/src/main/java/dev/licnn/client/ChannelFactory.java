package dev.licnn.client;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Builds and configures the channels that {@link LicnnClient} owns. */
final class ChannelFactory {
    static final String SERVICE = "licnn.v1.LicnnService";
    private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

    private ChannelFactory() {}

    /**
     * The channel target for a user-facing target: a URI ({@code dns:///name:port}, ...) is kept, a
     * comma-separated list of {@code host:port} becomes {@code licnn-static:///h1:p1,h2:p2}, and a
     * single {@code host:port} becomes {@code dns:///host:port}.
     */
    static String channelTarget(String target) {
        String t = target.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty target");
        }
        if (HAS_SCHEME.matcher(t).matches()) {
            return t;
        }
        if (t.contains(",")) {
            return ReplicaNameResolverProvider.SCHEME + ":///" + t.replace(" ", "");
        }
        return "dns:///" + t;
    }

    static ManagedChannel build(String target, ClientOptions options) {
        NameResolverRegistry registry = new NameResolverRegistry();
        NameResolverProvider dns =
                NameResolverRegistry.getDefaultRegistry().getProviderForScheme("dns");
        if (dns != null) {
            registry.register(dns);
        }
        registry.register(ReplicaNameResolverProvider.forHostPorts());
        ManagedChannelBuilder<?> builder =
                Grpc.newChannelBuilder(channelTarget(target), options.credentials(), registry);
        configure(builder, options);
        builder.intercept(ConnectionErrors.interceptor(target));
        return builder.build();
    }

    /**
     * Applies round-robin balancing, the retry policy, limits and keep-alive to {@code builder}.
     */
    static void configure(ManagedChannelBuilder<?> builder, ClientOptions options) {
        builder.defaultLoadBalancingPolicy("round_robin");
        builder.maxInboundMessageSize(options.maxInboundMessageSize());
        if (options.keepAlive() != null) {
            builder.keepAliveTime(options.keepAlive().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (options.userAgent() != null) {
            builder.userAgent(options.userAgent());
        }
        if (options.retry()) {
            builder.defaultServiceConfig(serviceConfig(options.maxAttempts())).enableRetry();
        } else {
            builder.disableRetry();
        }
    }

    /**
     * The default service config: exponential back-off retries on UNAVAILABLE and
     * RESOURCE_EXHAUSTED for every method except {@code ExplainStream} (which {@link
     * PipelinedRunner} restarts itself). JSON numbers must be doubles.
     */
    static Map<String, Object> serviceConfig(int maxAttempts) {
        Map<String, Object> retryPolicy =
                Map.of(
                        "maxAttempts",
                        (double) maxAttempts,
                        "initialBackoff",
                        "0.1s",
                        "maxBackoff",
                        "2s",
                        "backoffMultiplier",
                        2.0,
                        "retryableStatusCodes",
                        List.of("UNAVAILABLE", "RESOURCE_EXHAUSTED"));
        List<Object> names =
                List.of(
                        Map.of("service", SERVICE, "method", "Explain"),
                        Map.of("service", SERVICE, "method", "Classify"),
                        Map.of("service", SERVICE, "method", "ListModels"),
                        Map.of("service", SERVICE, "method", "DescribeModel"));
        return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", retryPolicy)));
    }
}
