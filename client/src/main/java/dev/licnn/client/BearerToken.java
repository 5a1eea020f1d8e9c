package dev.licnn.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/** Sends {@code authorization: Bearer <token>} with every call. */
final class BearerToken extends CallCredentials {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String token;

    BearerToken(String token) {
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException(
                    "a bearer token must be printable ASCII without spaces");
        }
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        try {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(m);
        } catch (RuntimeException e) {
            applier.fail(Status.UNAUTHENTICATED.withCause(e));
        }
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
