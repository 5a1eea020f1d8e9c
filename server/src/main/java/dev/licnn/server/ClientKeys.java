package dev.licnn.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names the client of each call, for the job queue's turns and per-client cap: its bearer token
 * when it sends one (as a digest, never the token itself), otherwise its address without the port,
 * so that many connections from one host are one client.
 */
final class ClientKeys implements ServerInterceptor {

    private static final Context.Key<String> CLIENT = Context.key("licnn-client");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** The current call's client, or "unknown" outside a call. */
    static String current() {
        String c = CLIENT.get();
        return c == null ? "unknown" : c;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String key =
                keyOf(
                        headers.get(AUTHORIZATION),
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return Contexts.interceptCall(
                Context.current().withValue(CLIENT, key), call, headers, next);
    }

    static String keyOf(String authorization, SocketAddress peer) {
        if (authorization != null && !authorization.isEmpty()) {
            return "token:" + digest(authorization);
        }
        if (peer instanceof InetSocketAddress a && a.getAddress() != null) {
            return "peer:" + a.getAddress().getHostAddress();
        }
        return "peer:" + peer;
    }

    private static String digest(String s) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
