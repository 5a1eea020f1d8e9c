package dev.licnn.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.function.Supplier;

/**
 * A call that streams requests, authorised again before each of its messages reaches the service:
 * once its token is no longer valid the call ends with UNAUTHENTICATED and the service sees it as
 * cancelled (its queued work is dropped). The call's outbound side is serialised by one lock, so
 * that this close cannot race the service's own writes; the service's writes after it are dropped.
 */
final class ReauthorisedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

    private final Object lock = new Object();
    private boolean closed;

    private ReauthorisedCall(ServerCall<Q, R> call) {
        super(call);
    }

    /**
     * Starts {@code call} on {@code next}; {@code check} answers null while the token is valid,
     * else what is wrong with it.
     */
    static <Q, R> ServerCall.Listener<Q> start(
            ServerCall<Q, R> call,
            Metadata headers,
            ServerCallHandler<Q, R> next,
            Supplier<String> check,
            TokenAuthInterceptor auth) {
        ReauthorisedCall<Q, R> wrapped = new ReauthorisedCall<>(call);
        ServerCall.Listener<Q> inner = next.startCall(wrapped, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            private boolean revoked;

            @Override
            public void onMessage(Q message) {
                if (revoked) {
                    return;
                }
                String problem = check.get();
                if (problem == null) {
                    super.onMessage(message);
                    return;
                }
                revoked = true;
                auth.refuse(call, "the bearer token was revoked: " + problem);
                wrapped.closeOnce(
                        Status.UNAUTHENTICATED.withDescription(
                                "the bearer token is no longer valid"));
                super.onCancel();
            }

            @Override
            public void onHalfClose() {
                if (!revoked) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!revoked) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                if (!revoked) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (!revoked) {
                    super.onComplete();
                }
            }
        };
    }

    private void closeOnce(Status status) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            super.close(status, new Metadata());
        }
    }

    @Override
    public void sendHeaders(Metadata headers) {
        synchronized (lock) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }
    }

    @Override
    public void sendMessage(R message) {
        synchronized (lock) {
            if (!closed) {
                super.sendMessage(message);
            }
        }
    }

    @Override
    public void close(Status status, Metadata trailers) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            super.close(status, trailers);
        }
    }
}
