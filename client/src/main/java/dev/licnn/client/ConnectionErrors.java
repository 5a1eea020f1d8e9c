package dev.licnn.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import javax.annotation.Nullable;
import javax.net.ssl.SSLException;

/**
 * Turns the transport's vague {@code UNAVAILABLE: io exception} into one line that names the target
 * and the cause: "cannot reach HOST:PORT: connection refused", "... unknown host", "... no route to
 * host", "... TLS handshake failed (...)". Installed on every channel {@link LicnnClient} builds;
 * other channels can add {@link #interceptor(String)}.
 *
 * <pre>{@code
 * ManagedChannel ch = Grpc.newChannelBuilder(target, creds)
 *         .intercept(ConnectionErrors.interceptor(target))
 *         .build();
 * }</pre>
 */
public final class ConnectionErrors {

    private ConnectionErrors() {}

    /** An interceptor that rewrites connection failures of calls to {@code target}. */
    public static ClientInterceptor interceptor(String target) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(
                        next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener.SimpleForwardingClientCallListener<
                                        R>(listener) {
                                    @Override
                                    public void onClose(Status status, Metadata trailers) {
                                        super.onClose(describe(target, status), trailers);
                                    }
                                },
                                headers);
                    }
                };
            }
        };
    }

    /**
     * {@code status} with a one-line description naming {@code target} and the cause, if it is a
     * connection failure; otherwise {@code status} itself.
     */
    public static Status describe(String target, Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return status;
        }
        String cause = cause(status);
        if (cause == null) {
            return status;
        }
        return Status.UNAVAILABLE
                .withDescription("cannot reach " + target + ": " + cause)
                .withCause(status.getCause());
    }

    /** "connection refused", "unknown host", ...: null if it is not a connection failure. */
    @Nullable
    static String cause(Status status) {
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase();
                if (m.contains("refused")) {
                    return "connection refused";
                }
                if (m.contains("timed out")) {
                    return "connection timed out";
                }
                if (m.contains("unreachable")) {
                    return "network unreachable";
                }
                return "cannot connect";
            }
            if (t instanceof SocketTimeoutException) {
                return "connection timed out";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed (" + t.getMessage() + ")";
            }
        }
        String d = status.getDescription();
        if (d != null && d.startsWith("Unable to resolve host")) {
            return "unknown host";
        }
        return null;
    }
}
