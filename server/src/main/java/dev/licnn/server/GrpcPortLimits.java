package dev.licnn.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 limits of the gRPC port, which is open to anyone who can reach it before any token check:
 * calls per connection, RST_STREAM frames per window (the "rapid reset" flood), connection age
 * (with a grace period for calls in flight), and the keep-alive policy (how often clients may ping,
 * and how often the server pings idle connections).
 *
 * @param maxConcurrentCallsPerConnection open calls on one connection; more wait for a free slot
 * @param maxRstFramesPerWindow RST_STREAM frames a client may send per {@code rstWindow}; more end
 *     the connection with GOAWAY
 * @param rstWindow the window of {@code maxRstFramesPerWindow}
 * @param maxConnectionAge a connection older than this is sent GOAWAY (clients reconnect)
 * @param maxConnectionAgeGrace how long calls in flight may then run on
 * @param keepAliveTime how often the server pings a connection without traffic
 * @param keepAliveTimeout how long it waits for the ping's answer before closing the connection
 * @param permitKeepAliveTime the most frequent pings a client may send; faster ones end the
 *     connection
 */
public record GrpcPortLimits(
        int maxConcurrentCallsPerConnection,
        int maxRstFramesPerWindow,
        Duration rstWindow,
        Duration maxConnectionAge,
        Duration maxConnectionAgeGrace,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration permitKeepAliveTime) {

    /**
     * 100 calls per connection; 200 resets per 10 s; connections renewed after 30 minutes, with 5
     * minutes' grace (longer than the default grace of shutdown); pings every 2 minutes, answered
     * within 20 s; clients may ping every 30 s at most, and not without calls.
     */
    public static final GrpcPortLimits DEFAULT =
            new GrpcPortLimits(
                    100,
                    200,
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(30),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(20),
                    Duration.ofSeconds(30));

    public GrpcPortLimits {
        if (maxConcurrentCallsPerConnection < 1 || maxRstFramesPerWindow < 1) {
            throw new IllegalArgumentException("gRPC port limits must be positive");
        }
    }

    /** {@code b} with these limits. */
    public NettyServerBuilder applyTo(NettyServerBuilder b) {
        return b.maxConcurrentCallsPerConnection(maxConcurrentCallsPerConnection)
                .maxRstFramesPerWindow(maxRstFramesPerWindow, (int) rstWindow.toSeconds())
                .maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(maxConnectionAgeGrace.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepAliveTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(permitKeepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(false);
    }
}
