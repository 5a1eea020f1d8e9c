package dev.licnn.server;

import dev.licnn.batch.DeadlineExceededException;
import dev.licnn.batch.PoolClosedException;
import dev.licnn.batch.QueueFullException;
import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.UnknownClassException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become gRPC statuses. */
public final class Statuses {

    private static final Logger LOG = LoggerFactory.getLogger(Statuses.class);

    private Statuses() {}

    /** Maps {@code t} to a status; unexpected errors become INTERNAL and are logged. */
    public static Status of(Throwable t) {
        return of(t, "-");
    }

    /**
     * Maps {@code t} to a status. Only the project's own bad-input exceptions ({@link
     * InvalidInputException} and its subclasses) are the client's fault; anything else unexpected
     * is INTERNAL, with a generic message that carries {@code requestId}, and is logged in full
     * under that id.
     */
    public static Status of(Throwable t, String requestId) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException) {
            return ((StatusRuntimeException) t).getStatus();
        }
        if (t instanceof StatusException) {
            return ((StatusException) t).getStatus();
        }
        if (t instanceof UnknownModelException || t instanceof UnknownClassException) {
            return Status.NOT_FOUND.withDescription(t.getMessage());
        }
        if (t instanceof UnsupportedMethodException) {
            return Status.UNIMPLEMENTED.withDescription(t.getMessage());
        }
        if (t instanceof QueueFullException || t instanceof OverLimitException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(t.getMessage());
        }
        if (t instanceof PoolClosedException) {
            return Status.UNAVAILABLE.withDescription("server is shutting down: " + t.getMessage());
        }
        if (t instanceof DeadlineExceededException) {
            return Status.DEADLINE_EXCEEDED.withDescription(t.getMessage());
        }
        if (t instanceof CancellationException) {
            return Status.CANCELLED.withDescription(t.getMessage());
        }
        if (t instanceof InvalidInputException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        LOG.error("event=internal_error request_id={}", requestId, t);
        return Status.INTERNAL.withDescription(
                "internal error (request id " + requestId + "); the server log has the details");
    }

    /** As a {@code google.rpc.Status} for per-request failures inside a stream. */
    public static com.google.rpc.Status toRpc(Status s) {
        com.google.rpc.Status.Builder b =
                com.google.rpc.Status.newBuilder().setCode(s.getCode().value());
        if (s.getDescription() != null) {
            b.setMessage(s.getDescription());
        }
        return b.build();
    }
}
