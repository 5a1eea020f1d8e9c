package dev.licnn.server.web;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Attributes;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Gives the services the caller's real address on the web port: Armeria's calls carry no transport
 * attributes, so {@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR} (logged as {@code peer=}, read by
 * loopback-only policies) would be null there. It is taken from the HTTP request's context.
 */
final class PeerAddress implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx == null || call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) != null) {
            return next.startCall(call, headers);
        }
        Attributes attrs =
                call.getAttributes().toBuilder()
                        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.remoteAddress())
                        .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.localAddress())
                        .build();
        return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public Attributes getAttributes() {
                        return attrs;
                    }
                },
                headers);
    }
}
