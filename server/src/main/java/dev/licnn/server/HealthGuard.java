package dev.licnn.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;

/**
 * Health is open to everyone (no token): a request whose service name is longer than {@value
 * #MAX_SERVICE_NAME} characters is refused with INVALID_ARGUMENT before the health service sees it,
 * so that an open {@code Watch} cannot hold a large string.
 */
final class HealthGuard implements ServerInterceptor {

    /** Longest service name a health request may carry. */
    static final int MAX_SERVICE_NAME = 256;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> inner = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                if (message instanceof HealthCheckRequest r
                        && r.getService().length() > MAX_SERVICE_NAME) {
                    refused = true;
                    call.close(
                            Status.INVALID_ARGUMENT.withDescription(
                                    "health service name is longer than "
                                            + MAX_SERVICE_NAME
                                            + " characters"),
                            new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }
}
