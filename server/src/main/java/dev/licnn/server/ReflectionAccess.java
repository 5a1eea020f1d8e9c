package dev.licnn.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/**
 * Who may use the reflection service: everyone, nobody (not registered), or loopback callers only.
 */
public enum ReflectionAccess {
    ON,
    OFF,
    LOOPBACK;

    /** Parses {@code on}, {@code off} or {@code loopback}. */
    public static ReflectionAccess parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "reflection must be on, off or loopback, got '" + s + "'");
        }
    }

    /**
     * Whether a call from {@code peer} is local: a loopback address, or not a network socket at all
     * (in-process). An unknown peer (null) is not local.
     */
    static boolean isLocal(SocketAddress peer) {
        if (peer == null) {
            return false;
        }
        return !(peer instanceof InetSocketAddress a)
                || (a.getAddress() != null && a.getAddress().isLoopbackAddress());
    }

    /** Refuses reflection calls from other hosts with PERMISSION_DENIED. */
    static final class LoopbackOnly implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!call.getMethodDescriptor().getServiceName().startsWith("grpc.reflection.")
                    || isLocal(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))) {
                return next.startCall(call, headers);
            }
            call.close(
                    Status.PERMISSION_DENIED.withDescription(
                            "reflection is served to loopback callers only"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
    }
}
