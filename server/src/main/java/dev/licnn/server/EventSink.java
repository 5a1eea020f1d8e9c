package dev.licnn.server;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A server stream that honours flow control without ever blocking the producer.
 *
 * <p>Messages wait in a queue until the transport is ready ({@code isReady}/{@code onReady}). The
 * queue is bounded in bytes: a reader that falls behind by more than the budget fails its own stream
 * with RESOURCE_EXHAUSTED, and the registered cancel actions run (so the work for it stops), while
 * the worker that produced the messages and every other stream go on.
 *
 * <p>Thread-safe: producers (worker threads) and the transport's callbacks may call in concurrently.
 */
final class EventSink<T extends MessageLite> {

    private final ServerCallStreamObserver<T> observer;
    private final long budgetBytes;
    private final LongConsumer bytesSent;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final List<Runnable> onCancel = new ArrayList<>();
    private long queuedBytes;
    private Status terminal;
    private boolean terminalSent;
    private boolean cancelled;

    EventSink(ServerCallStreamObserver<T> observer, long budgetBytes, LongConsumer bytesSent) {
        this.observer = observer;
        this.budgetBytes = budgetBytes;
        this.bytesSent = bytesSent;
        observer.setOnReadyHandler(this::drain);
        observer.setOnCancelHandler(this::cancelledByClient);
    }

    /** Runs {@code r} when the client cancels or the stream fails; at once if that already happened. */
    void onCancel(Runnable r) {
        boolean now;
        synchronized (this) {
            now = cancelled || (terminal != null && !terminal.isOk());
            if (!now) {
                onCancel.add(r);
            }
        }
        if (now) {
            r.run();
        }
    }

    /**
     * Queues a message and sends what the transport accepts.
     *
     * @return false if the stream is over (cancelled, failed or completed)
     */
    boolean send(T message) {
        List<Runnable> toRun = null;
        synchronized (this) {
            if (cancelled || terminal != null) {
                return false;
            }
            int size = message.getSerializedSize();
            if (!queue.isEmpty() && queuedBytes + size > budgetBytes) {
                terminal = Status.RESOURCE_EXHAUSTED.withDescription("client reads too slowly: "
                        + (queuedBytes + size) + " bytes would wait for it, more than the per-stream budget of "
                        + budgetBytes + " bytes");
                queue.clear();
                queuedBytes = 0;
                toRun = new ArrayList<>(onCancel);
                onCancel.clear();
            } else {
                queue.add(message);
                queuedBytes += size;
            }
            drainLocked();
        }
        if (toRun != null) {
            toRun.forEach(Runnable::run);
            return false;
        }
        return true;
    }

    /** Ends the stream with OK once every queued message is sent. */
    synchronized void complete() {
        if (terminal == null && !cancelled) {
            terminal = Status.OK;
            drainLocked();
        }
    }

    /** Ends the stream with {@code status} now; queued messages are dropped. */
    void fail(Status status) {
        List<Runnable> toRun;
        synchronized (this) {
            if (terminal != null || cancelled) {
                return;
            }
            terminal = status;
            queue.clear();
            queuedBytes = 0;
            toRun = new ArrayList<>(onCancel);
            onCancel.clear();
            drainLocked();
        }
        toRun.forEach(Runnable::run);
    }

    private synchronized void drain() {
        drainLocked();
    }

    private void drainLocked() {
        if (cancelled || terminalSent) {
            return;
        }
        while (!queue.isEmpty() && observer.isReady()) {
            T m = queue.poll();
            int size = m.getSerializedSize();
            queuedBytes -= size;
            observer.onNext(m);
            bytesSent.accept(size);
        }
        if (queue.isEmpty() && terminal != null) {
            terminalSent = true;
            if (terminal.isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(terminal.asRuntimeException());
            }
        }
    }

    private void cancelledByClient() {
        List<Runnable> toRun;
        synchronized (this) {
            cancelled = true;
            queue.clear();
            queuedBytes = 0;
            toRun = new ArrayList<>(onCancel);
            onCancel.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
