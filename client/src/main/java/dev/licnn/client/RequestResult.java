package dev.licnn.client;

import dev.licnn.proto.v1.ExplainRequest;
import io.grpc.Status;
import javax.annotation.Nullable;

/**
 * The result of one request of a {@link PipelinedRunner} run: its outcome, or the status it failed
 * with.
 *
 * @param index 0-based position of the request in the input
 * @param requestId the {@code request_id} it was sent with
 * @param request the request
 * @param outcome the outcome, null on failure
 * @param status OK on success, otherwise why it failed (its own {@code failed} event, or the status
 *     of the stream that carried it)
 */
public record RequestResult(
        long index,
        String requestId,
        ExplainRequest request,
        @Nullable ExplainOutcome outcome,
        Status status) {

    /** Whether the request succeeded. */
    public boolean isOk() {
        return status.isOk();
    }
}
