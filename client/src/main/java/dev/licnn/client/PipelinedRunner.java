package dev.licnn.client;

import dev.licnn.proto.v1.ExplainRequest;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Explains many images over one bidirectional {@code ExplainStream} call, keeping at most {@code
 * maxInFlight} requests sent and not yet finished. The runner pulls the next request from the input
 * only when a request finishes and the stream is ready for more (gRPC flow control), so neither the
 * client nor the server buffers more than that.
 *
 * <p>Each input gets a {@code request_id} (its 0-based index) and exactly one {@link
 * RequestResult}, successful or failed, delivered to the callback as soon as it is known. If the
 * whole stream fails with UNAVAILABLE (e.g. a replica went away), the unfinished requests are sent
 * again on a new stream, up to {@code maxStreamRestarts} times; after any other stream failure, or
 * when the restarts are used up, the unfinished and the not yet sent requests are delivered as
 * failed with the stream's status.
 *
 * <pre>{@code
 * PipelinedRunner runner = new PipelinedRunner(client, 8);
 * RunSummary summary = runner.run(requests, result -> {
 *   if (result.isOk()) save(result.index(), result.outcome().saliency());
 *   else log(result.index(), result.status());
 * });
 * }</pre>
 *
 * <p>The callback runs on gRPC threads (or the calling thread after a stream failure), never
 * concurrently with itself; it should be quick and must not throw. The input iterator is only used
 * by the thread that calls {@code run}. A runner may be reused and run concurrently.
 */
public final class PipelinedRunner {
    /** Default number of stream restarts after UNAVAILABLE: 3. */
    public static final int DEFAULT_MAX_STREAM_RESTARTS = 3;

    private final LicnnClient client;
    private final int maxInFlight;
    private final int maxStreamRestarts;

    /** A runner with at most {@code maxInFlight} requests in flight and 3 stream restarts. */
    public PipelinedRunner(LicnnClient client, int maxInFlight) {
        this(client, maxInFlight, DEFAULT_MAX_STREAM_RESTARTS);
    }

    /**
     * A runner with at most {@code maxInFlight} requests in flight and at most {@code
     * maxStreamRestarts} new streams after UNAVAILABLE.
     */
    public PipelinedRunner(LicnnClient client, int maxInFlight, int maxStreamRestarts) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException(
                    "maxInFlight must be at least 1, got " + maxInFlight);
        }
        if (maxStreamRestarts < 0) {
            throw new IllegalArgumentException("maxStreamRestarts must be >= 0");
        }
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.maxStreamRestarts = maxStreamRestarts;
    }

    /** Runs every request of {@code requests}; see {@link #run(Iterator, Consumer)}. */
    public RunSummary run(Iterable<ExplainRequest> requests, Consumer<RequestResult> onResult) {
        return run(requests.iterator(), onResult);
    }

    /**
     * Runs every request of {@code requests} and returns when each has been delivered to {@code
     * onResult}. If the calling thread is interrupted, the stream is cancelled, the remaining
     * requests are delivered as CANCELLED and the interrupt flag is set again.
     */
    public RunSummary run(Iterator<ExplainRequest> requests, Consumer<RequestResult> onResult) {
        return new PipelineRun(client, maxInFlight, maxStreamRestarts, requests, onResult)
                .execute();
    }
}
