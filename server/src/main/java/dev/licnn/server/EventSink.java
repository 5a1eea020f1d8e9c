package dev.licnn.server;

import com.google.protobuf.MessageLite;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.annotation.Nullable;

/**
 * A server stream that honours flow control without ever blocking the producer.
 *
 * <p>Messages wait in a queue until the transport is ready ({@code isReady}/{@code onReady}). The
 * queue is bounded in bytes: a reader that falls behind by more than the budget fails its own
 * stream with RESOURCE_EXHAUSTED, and the registered cancel actions run (so the work for it stops),
 * while the worker that produced the messages and every other stream go on.
 *
 * <p>With a deadline ({@link #expireAt}), the stream ends itself with DEADLINE_EXCEEDED a little
 * before the call's deadline. The client then reads that status in the trailers; otherwise the
 * transport's own deadline timer resets the stream, which a client whose timer runs late reads as
 * CANCELLED.
 *
 * <p>{@link #endStatus()} tells why the stream ended when it was not the producer's doing: a slow
 * reader, the deadline, or the client's cancellation.
 *
 * <p>Thread-safe: producers (worker threads) and the transport's callbacks may call in
 * concurrently.
 */
final class EventSink<T extends MessageLite> {

    /** A cancellation this close to the deadline (or after it) is the deadline's doing. */
    static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** How long before the call's deadline the stream ends itself: at most this, ... */
    private static final long MAX_DEADLINE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** ... and at most this fraction of the time the call had. */
    private static final int DEADLINE_MARGIN_DIVISOR = 4;

    private final ServerCallStreamObserver<T> observer;
    private final long budgetBytes;
    private final LongConsumer bytesSent;
    private final Runnable overBudget;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final List<Runnable> onCancel = new ArrayList<>();
    private long queuedBytes;
    private Status terminal;
    private boolean terminalSent;
    private boolean cancelled;
    private Status endStatus;
    private Deadline deadline;
    private ScheduledFuture<?> deadlineTimer;

    /**
     * @param bytesSent told the size of each message handed to the transport
     * @param overBudget run once if the reader falls behind by more than the budget
     */
    EventSink(
            ServerCallStreamObserver<T> observer,
            long budgetBytes,
            LongConsumer bytesSent,
            Runnable overBudget) {
        this.observer = observer;
        this.budgetBytes = budgetBytes;
        this.bytesSent = bytesSent;
        this.overBudget = overBudget;
        observer.setOnReadyHandler(this::drain);
        observer.setOnCancelHandler(this::cancelledByClient);
    }

    /**
     * Ends the stream with DEADLINE_EXCEEDED shortly before {@code deadline} (by at most 100 ms,
     * and at most a quarter of the time left), unless it has ended by then. The margin is the time
     * the status needs to follow the response data already handed to the transport onto the wire,
     * and to get there before the transport's own deadline timer, on a loaded machine.
     */
    void expireAt(@Nullable Deadline deadline, ScheduledExecutorService timer) {
        if (deadline == null) {
            return;
        }
        long left = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        long margin =
                Math.min(MAX_DEADLINE_MARGIN_NANOS, Math.max(0, left) / DEADLINE_MARGIN_DIVISOR);
        synchronized (this) {
            this.deadline = deadline;
            if (terminal != null || cancelled) {
                return;
            }
            deadlineTimer =
                    timer.schedule(
                            () ->
                                    fail(
                                            Status.DEADLINE_EXCEEDED.withDescription(
                                                    "the call's deadline passed before the server finished")),
                            Math.max(0, left - margin),
                            TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Why the stream ended if it ended on its own rather than by {@link #complete} or {@link
     * #fail}: RESOURCE_EXHAUSTED for a slow reader, DEADLINE_EXCEEDED for the deadline, CANCELLED
     * for the client's cancellation; null otherwise.
     */
    @Nullable
    synchronized Status endStatus() {
        return endStatus;
    }

    /**
     * Runs {@code r} when the client cancels or the stream fails; at once if that already happened.
     */
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
                terminal =
                        Status.RESOURCE_EXHAUSTED.withDescription(
                                "client reads too slowly: "
                                        + (queuedBytes + size)
                                        + " bytes would wait for it, more than the per-stream budget of "
                                        + budgetBytes
                                        + " bytes");
                endStatus = terminal;
                stopTimer();
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
            overBudget.run();
            toRun.forEach(Runnable::run);
            return false;
        }
        return true;
    }

    /** Ends the stream with OK once every queued message is sent. */
    synchronized void complete() {
        if (terminal == null && !cancelled) {
            terminal = Status.OK;
            stopTimer();
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
            if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                endStatus = status;
            }
            stopTimer();
            queue.clear();
            queuedBytes = 0;
            toRun = new ArrayList<>(onCancel);
            onCancel.clear();
            drainLocked();
        }
        toRun.forEach(Runnable::run);
    }

    private void stopTimer() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
            deadlineTimer = null;
        }
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
            if (endStatus == null && !terminalSent) {
                endStatus =
                        deadline != null
                                        && deadline.timeRemaining(TimeUnit.NANOSECONDS)
                                                <= DEADLINE_SLACK_NANOS
                                ? Status.DEADLINE_EXCEEDED.withDescription(
                                        "the call's deadline passed")
                                : Status.CANCELLED.withDescription("the client cancelled the call");
            }
            cancelled = true;
            stopTimer();
            queue.clear();
            queuedBytes = 0;
            toRun = new ArrayList<>(onCancel);
            onCancel.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
