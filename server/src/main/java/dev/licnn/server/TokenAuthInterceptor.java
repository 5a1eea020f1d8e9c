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
 * calls come in, so tokens are added, rotated and revoked by rewriting it, without a restart. On a
 * reload, the valid lines of the file take effect and each bad line is logged; a file that is
 * missing, cannot be read or holds no valid token denies every call until it is mended (logged as
 * an error). At start such a file stops the server instead. A missing or wrong token ends the call
 * with UNAUTHENTICATED, counted in {@code licnn_requests_total} and {@code
 * licnn_rejected_total{reason="UNAUTHENTICATED"}}, and logged in rate-limited lines. A call that
 * streams requests ({@code ExplainStream}) is authorised again at each message: once its token is
 * revoked the call ends with UNAUTHENTICATED. Tokens are compared as SHA-256 digests in constant
 * time and never logged.
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
    private final RateLimitedLog refusedLog;
    private volatile List<byte[]> digests;
    private volatile long checkedAt;

    /**
     * @throws IllegalArgumentException if the file cannot be read or holds no valid token
     */
    TokenAuthInterceptor(
            Path file, ServerMetrics metrics, LongSupplier nanoClock, RateLimitedLog refusedLog) {
        this.file = file;
        this.metrics = metrics;
        this.clock = nanoClock;
        this.refusedLog = refusedLog;
        Tokens t;
        try {
            t = read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read token file " + file + ": " + e.getMessage(), e);
        }
        if (t.digests().isEmpty()) {
            throw new IllegalArgumentException(
                    "token file "
                            + file
                            + " holds no token"
                            + (t.problems().isEmpty() ? "" : ": " + t.problems().get(0)));
        }
        t.problems().forEach(p -> LOG.warn("token file {}: {} (line ignored)", file, p));
        this.digests = t.digests();
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
        String authorization = headers.get(AUTHORIZATION);
        String problem = check(authorization);
        if (problem == null) {
            if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
                return next.startCall(call, headers);
            }
            return ReauthorisedCall.start(call, headers, next, () -> check(authorization), this);
        }
        refuse(call, problem);
        call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** Counts and logs (rate-limited) a call refused for {@code problem}. */
    void refuse(ServerCall<?, ?> call, String problem) {
        String rpc = call.getMethodDescriptor().getBareMethodName();
        metrics.requests.labelValues(rpc, Status.Code.UNAUTHENTICATED.name()).inc();
        metrics.rejected.labelValues("UNAUTHENTICATED").inc();
        Object peer = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        refusedLog.log(
                n ->
                        LOG.info(
                                "event=rpc_failed rpc={} status=UNAUTHENTICATED message=\"{}\""
                                        + " peer={} refused_since_last_line={}",
                                rpc,
                                problem,
                                peer,
                                n));
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
        Tokens fresh;
        try {
            fresh = read(file);
        } catch (IOException e) {
            if (!digests.isEmpty()) {
                LOG.error(
                        "token file {} cannot be read ({}): every call is refused until it is"
                                + " mended",
                        file,
                        e.toString());
            }
            digests = List.of();
            return;
        }
        boolean changed = !sameTokens(fresh.digests(), digests);
        if (changed) {
            fresh.problems().forEach(p -> LOG.warn("token file {}: {} (line ignored)", file, p));
            if (fresh.digests().isEmpty()) {
                LOG.error(
                        "token file {} holds no valid token: every call is refused until it is"
                                + " mended",
                        file);
            } else {
                LOG.info(
                        "bearer tokens reloaded: {} token(s) from {}",
                        fresh.digests().size(),
                        file);
            }
        }
        digests = fresh.digests();
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

    /** The valid tokens of a file, as digests, and what is wrong with its other lines. */
    record Tokens(List<byte[]> digests, List<String> problems) {}

    /** The tokens in {@code file}: valid lines taken, bad ones described. */
    static Tokens read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.length() < MIN_TOKEN_LENGTH || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                problems.add(
                        "the token on line "
                                + lineNo
                                + " must be at least "
                                + MIN_TOKEN_LENGTH
                                + " printable ASCII characters without spaces");
                continue;
            }
            out.add(sha256(t));
        }
        return new Tokens(List.copyOf(out), List.copyOf(problems));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
