package dev.licnn.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.annotation.Nullable;

/**
 * Settings of a {@link LicnnClient}. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ClientOptions opts = ClientOptions.builder()
 *     .optDeadline(Duration.ofSeconds(30))
 *     .optTls(true)
 *     .optKeepAlive(Duration.ofMinutes(1))
 *     .build();
 * LicnnClient client = LicnnClient.connect("h1:50051,h2:50051", opts);
 * }</pre>
 *
 * <p>Channel-level settings (credentials, keep-alive, retries, load balancing, inbound limit) are
 * applied only to channels the client builds itself ({@code connect}/{@code open}); with {@link
 * LicnnClient#create(io.grpc.Channel, ClientOptions)} only the deadline and the inbound message
 * limit apply, per call.
 */
public final class ClientOptions {
    /** Default deadline of every call except {@code ExplainStream}: 120 s. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);

    /** Default limit on one inbound message: 16 MiB. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 16 << 20;

    /** Default number of attempts of a retried call (first try included): 5. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private final Duration deadline;
    private final Duration streamDeadline;
    private final int maxInboundMessageSize;
    private final boolean retry;
    private final int maxAttempts;
    private final Duration keepAlive;
    private final ChannelCredentials credentials;
    private final String userAgent;
    private final CallCredentials callCredentials;

    private ClientOptions(Builder b) {
        deadline = b.deadline;
        streamDeadline = b.streamDeadline;
        maxInboundMessageSize = b.maxInboundMessageSize;
        retry = b.retry;
        maxAttempts = b.maxAttempts;
        keepAlive = b.keepAlive;
        credentials = b.credentials != null ? b.credentials : b.tlsCredentials();
        userAgent = b.userAgent;
        callCredentials = b.bearerToken == null ? null : new BearerToken(b.bearerToken);
    }

    /** The defaults: 120 s deadline, 16 MiB inbound limit, retries on, no keep-alive, plaintext. */
    public static ClientOptions defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Deadline of each unary and {@code Explain} call, or null for none. */
    @Nullable
    public Duration deadline() {
        return deadline;
    }

    /** Deadline of each {@code ExplainStream} call (a whole pipelined run), or null for none. */
    @Nullable
    public Duration streamDeadline() {
        return streamDeadline;
    }

    /** Largest inbound message accepted, in bytes. */
    public int maxInboundMessageSize() {
        return maxInboundMessageSize;
    }

    /** Whether calls failing with UNAVAILABLE or RESOURCE_EXHAUSTED are retried. */
    public boolean retry() {
        return retry;
    }

    /** Attempts per retried call, first try included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Keep-alive ping interval, or null for none. */
    @Nullable
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Credentials of channels the client builds. */
    public ChannelCredentials credentials() {
        return credentials;
    }

    /** Credentials sent with every call (a bearer token), or null for none. */
    @Nullable
    public CallCredentials callCredentials() {
        return callCredentials;
    }

    /** User agent prefix, or null for gRPC's. */
    @Nullable
    public String userAgent() {
        return userAgent;
    }

    /** Builder of {@link ClientOptions}; every setting is optional. */
    public static final class Builder {
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration streamDeadline;
        private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
        private boolean retry = true;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration keepAlive;
        private boolean tls;
        private Path trustedCertificates;
        private Path clientCertificate;
        private Path clientKey;
        private ChannelCredentials credentials;
        private String userAgent;
        private String bearerToken;

        private Builder() {}

        /**
         * Sends {@code authorization: Bearer <token>} with every call, for servers started with a
         * token file. Use it over TLS: on a plaintext channel the token travels in the clear.
         */
        public Builder optBearerToken(@Nullable String token) {
            this.bearerToken = token;
            return this;
        }

        /** Deadline per unary or {@code Explain} call; null for none. */
        public Builder optDeadline(@Nullable Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Deadline per {@code ExplainStream} call; null (the default) for none. */
        public Builder optStreamDeadline(@Nullable Duration streamDeadline) {
            this.streamDeadline = streamDeadline;
            return this;
        }

        /** Largest inbound message in bytes. */
        public Builder optMaxInboundMessageSize(int bytes) {
            this.maxInboundMessageSize = bytes;
            return this;
        }

        /** Turns the retry policy on (the default) or off. */
        public Builder optRetry(boolean retry) {
            this.retry = retry;
            return this;
        }

        /** Attempts per retried call, first try included, 2 to 5. */
        public Builder optMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Sends keep-alive pings at this interval; null (the default) for none. */
        public Builder optKeepAlive(@Nullable Duration keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        /** Uses TLS with the JVM's trust store instead of plaintext. */
        public Builder optTls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Uses TLS and trusts the CA certificates in this PEM file instead of the JVM's trust store
         * (e.g. a private CA or a self-signed server certificate).
         */
        public Builder optTrustedCertificates(@Nullable Path caPem) {
            this.trustedCertificates = caPem;
            return this;
        }

        /**
         * Uses TLS and presents this client certificate chain and PKCS#8 private key (PEM) to
         * servers that require one (mutual TLS).
         */
        public Builder optClientCertificate(
                @Nullable Path certChainPem, @Nullable Path privateKeyPem) {
            this.clientCertificate = certChainPem;
            this.clientKey = privateKeyPem;
            return this;
        }

        /**
         * Uses these credentials (e.g. TLS with a custom trust store); overrides the TLS settings.
         */
        public Builder optCredentials(@Nullable ChannelCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Prefix of the user agent sent to the server. */
        public Builder optUserAgent(@Nullable String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException for a non-positive duration or size, or attempts outside
         *     [2, 5]
         */
        public ClientOptions build() {
            checkPositive("deadline", deadline);
            checkPositive("stream deadline", streamDeadline);
            checkPositive("keep-alive", keepAlive);
            if (maxInboundMessageSize < 1) {
                throw new IllegalArgumentException("max inbound message size must be positive");
            }
            if (maxAttempts < 2 || maxAttempts > 5) {
                throw new IllegalArgumentException(
                        "max attempts must be in [2, 5], got " + maxAttempts);
            }
            if ((clientCertificate == null) != (clientKey == null)) {
                throw new IllegalArgumentException(
                        "a client certificate needs its private key, and the other way round");
            }
            return new ClientOptions(this);
        }

        /** Plaintext, or TLS with the trust store and client certificate configured. */
        private ChannelCredentials tlsCredentials() {
            if (!tls && trustedCertificates == null && clientCertificate == null) {
                return InsecureChannelCredentials.create();
            }
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            try {
                if (trustedCertificates != null) {
                    b.trustManager(trustedCertificates.toFile());
                }
                if (clientCertificate != null) {
                    b.keyManager(clientCertificate.toFile(), clientKey.toFile());
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "TLS files cannot be used ("
                                + trustedCertificates
                                + ", "
                                + clientCertificate
                                + ", "
                                + clientKey
                                + "): "
                                + e.getMessage(),
                        e);
            }
            return b.build();
        }

        private static void checkPositive(String what, Duration d) {
            if (d != null && (d.isNegative() || d.isZero())) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
        }
    }
}
