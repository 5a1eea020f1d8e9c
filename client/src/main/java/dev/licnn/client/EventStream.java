package dev.licnn.client;

import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The events of one {@code Explain} call as a blocking iterator. {@link #hasNext()} waits for the
 * next event and throws {@link StatusRuntimeException} if the call fails. Drain it or close it:
 * {@link #close()} cancels a call that is still running, so use try-with-resources whenever you may
 * stop early. Not thread-safe, except {@link #close()}.
 *
 * <pre>{@code
 * try (EventStream events = client.explainEvents(request)) {
 *   while (events.hasNext()) {
 *     ExplainEvent e = events.next();
 *     if (e.hasSaliencyMap()) {
 *       show(DecodedMap.decode(e.getSaliencyMap().getMap()));
 *       break; // close() cancels the rest
 *     }
 *   }
 * }
 * }</pre>
 */
public final class EventStream implements Iterator<ExplainEvent>, AutoCloseable {
    private final Context.CancellableContext context;
    private final Iterator<ExplainEvent> events;
    private volatile boolean closed;

    private EventStream(Context.CancellableContext context, Iterator<ExplainEvent> events) {
        this.context = context;
        this.events = events;
    }

    static EventStream start(Channel channel, CallOptions options, ExplainRequest request) {
        // The call is bound to this context: cancelling the context cancels the call.
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            return new EventStream(
                    context,
                    ClientCalls.blockingServerStreamingCall(
                            channel, LicnnServiceGrpc.getExplainMethod(), options, request));
        } finally {
            context.detach(previous);
        }
    }

    /**
     * Waits for the next event; false when the call ended with OK or this stream was closed.
     *
     * @throws StatusRuntimeException if the call failed
     */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        try {
            boolean more = events.hasNext();
            if (!more) {
                close();
            }
            return more;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The next event.
     *
     * @throws NoSuchElementException if there is none
     * @throws StatusRuntimeException if the call failed
     */
    @Override
    public ExplainEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return events.next();
    }

    /** Cancels the call if it is still running. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            context.cancel(null);
        }
    }
}
