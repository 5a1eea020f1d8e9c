package dev.licnn.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires {@code authorization: Bearer <token>} on every call except health checks, with the
 * tokens of a file: one per line, blank lines and lines starting with {@code #} ignored, each at
 * least {@value #MIN_TOKEN_LENGTH} characters. The file is read again at most once a second when
 * calls come in, so tokens are added, rotated and revoked by rewriting it, without a restart; a
 * file that cannot be read or holds no token then keeps the tokens in force (and is logged). A
 * missing or wrong token ends the call with UNAUTHENTICATED, counted in {@code
 * licnn_requests_total} and {@code licnn_rejected_total{reason="UNAUTHENTICATED"}}. Tokens are
 * compared as SHA-256 digests in constant time and never logged.
 */
final class TokenAuthInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthInterceptor.class);
    static final int MIN_TOKEN_LENGTH = 16;
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";
    private static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final ServerMetrics metrics;
    private final LongSupplier clock;
    private volatile List<byte[]> digests;
    private volatile long checkedAt;

    /**
     * @throws IllegalArgumentException if the file cannot be read or holds no valid token
     */
    TokenAuthInterceptor(Path file, ServerMetrics metrics, LongSupplier nanoClock) {
        this.file = file;
        this.metrics = metrics;
        this.clock = nanoClock;
        try {
            this.digests = read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read token file " + file + ": " + e.getMessage(), e);
        }
        this.checkedAt = clock.getAsLong();
        LOG.info("bearer tokens required: {} token(s) from {}", digests.size(), file);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (HealthGrpc.SERVICE_NAME.equals(service)) {
            return next.startCall(call, headers);
        }
        String problem = check(headers.get(AUTHORIZATION));
        if (problem == null) {
            return next.startCall(call, headers);
        }
        String rpc = call.getMethodDescriptor().getBareMethodName();
        metrics.requests.labelValues(rpc, Status.Code.UNAUTHENTICATED.name()).inc();
        metrics.rejected.labelValues("UNAUTHENTICATED").inc();
        LOG.info(
                "event=rpc_failed rpc={} status=UNAUTHENTICATED message=\"{}\" peer={}",
                rpc,
                problem,
                call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** Null if {@code authorization} carries a valid token, else what is wrong with it. */
    private String check(String authorization) {
        if (authorization == null) {
            return "this server requires a bearer token (metadata authorization: Bearer <token>)";
        }
        if (authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "the authorization metadata must be 'Bearer <token>'";
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
        boolean ok = false;
        for (byte[] d : current()) {
            ok |= MessageDigest.isEqual(d, presented);
        }
        return ok ? null : "the bearer token is not valid";
    }

    /** The tokens in force, after reading the file again if a second has passed. */
    private List<byte[]> current() {
        long now = clock.getAsLong();
        if (now - checkedAt >= RELOAD_NANOS) {
            synchronized (this) {
                if (now - checkedAt >= RELOAD_NANOS) {
                    checkedAt = now;
                    reload();
                }
            }
        }
        return digests;
    }

    private void reload() {
        try {
            List<byte[]> fresh = read(file);
            if (!sameTokens(fresh, digests)) {
                LOG.info("bearer tokens reloaded: {} token(s) from {}", fresh.size(), file);
            }
            digests = fresh;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn(
                    "token file {} not reloaded, the previous {} token(s) stay in force: {}",
                    file,
                    digests.size(),
                    e.getMessage());
        }
    }

    private static boolean sameTokens(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!MessageDigest.isEqual(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Digests of the tokens in {@code file}. */
    static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.length() < MIN_TOKEN_LENGTH || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException(
                        "token on line "
                                + lineNo
                                + " of "
                                + file
                                + " must be at least "
                                + MIN_TOKEN_LENGTH
                                + " printable ASCII characters without spaces");
            }
            out.add(sha256(t));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("token file " + file + " holds no token");
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
