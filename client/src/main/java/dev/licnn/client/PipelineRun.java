package dev.licnn.client;

import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One run of a {@link PipelinedRunner}. The calling thread is the only sender: it waits until a
 * slot is free and the stream is ready, pulls the next request and sends it. Responses arrive on
 * gRPC threads, which update the in-flight table under {@link #lock} and wake the sender.
 */
final class PipelineRun {
    private static final Logger logger = Logger.getLogger(PipelineRun.class.getName());

    private final LicnnClient client;
    private final int maxInFlight;
    private final int maxRestarts;
    private final Iterator<ExplainRequest> source;
    private final Consumer<RequestResult> sink;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Deque<Item> toSend = new ArrayDeque<>();
    private final Map<String, Item> inFlight = new HashMap<>();
    private long nextIndex;
    private long succeeded;
    private long failed;
    private long resent;
    private int restarts;
    private RuntimeException sourceError;

    PipelineRun(
            LicnnClient client,
            int maxInFlight,
            int maxRestarts,
            Iterator<ExplainRequest> source,
            Consumer<RequestResult> sink) {
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.maxRestarts = maxRestarts;
        this.source = source;
        this.sink = sink;
    }

    /** One input request and the events collected for it so far. */
    private static final class Item {
        final long index;
        final String id;
        final ExplainRequest request;
        OutcomeCollector collector = new OutcomeCollector();
        Status error; // an event that could not be collected; reported when the request ends

        Item(long index, ExplainRequest request) {
            this.index = index;
            this.id = Long.toString(index);
            this.request = request;
        }
    }

    RunSummary execute() {
        long start = System.nanoTime();
        boolean interrupted = false;
        while (true) {
            Stream stream = new Stream();
            ClientCalls.asyncBidiStreamingCall(
                    client.channel()
                            .newCall(
                                    LicnnServiceGrpc.getExplainStreamMethod(),
                                    client.streamCallOptions()),
                    stream);
            interrupted |= drive(stream);
            List<Item> unfinished = takeUnfinished();
            Status end = stream.end;
            if (sourceError != null) {
                failAll(
                        unfinished,
                        Status.CANCELLED.withDescription("input failed").withCause(sourceError));
                throw sourceError;
            }
            if (end.getCode() == Status.Code.UNAVAILABLE
                    && restarts < maxRestarts
                    && !interrupted) {
                lock.lock();
                try {
                    restarts++;
                    resent += unfinished.size();
                    for (int i = unfinished.size() - 1; i >= 0; i--) {
                        Item item = unfinished.get(i);
                        item.collector = new OutcomeCollector();
                        item.error = null;
                        toSend.addFirst(item);
                    }
                } finally {
                    lock.unlock();
                }
                continue;
            }
            Status failure =
                    end.isOk()
                            ? Status.INTERNAL.withDescription(
                                    "stream ended before the request finished")
                            : end;
            failAll(unfinished, failure);
            while (source.hasNext()) {
                deliver(newItem(source.next()), null, failure);
            }
            break;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            return new RunSummary(
                    nextIndex,
                    succeeded,
                    failed,
                    resent,
                    restarts,
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends requests on {@code stream} until it ends; returns whether the thread was interrupted.
     */
    private boolean drive(Stream stream) {
        boolean interrupted = false;
        lock.lock();
        try {
            while (stream.end == null) {
                boolean stopped = interrupted || sourceError != null;
                if (!stopped
                        && !stream.halfClosed
                        && inFlight.size() < maxInFlight
                        && stream.requests.isReady()) {
                    Item next = toSend.poll();
                    if (next == null) {
                        next = pull(stream);
                    }
                    if (next == null) {
                        if (sourceError == null) {
                            stream.halfClosed = true;
                            stream.requests.onCompleted();
                        }
                        continue;
                    }
                    inFlight.put(next.id, next);
                    stream.requests.onNext(
                            ExplainStreamRequest.newBuilder()
                                    .setRequestId(next.id)
                                    .setRequest(next.request)
                                    .build());
                    continue;
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stream.requests.cancel("interrupted", e);
                }
            }
        } finally {
            lock.unlock();
        }
        return interrupted;
    }

    /**
     * Takes the next input outside the lock (it may do I/O); null when there is none or it failed.
     */
    private Item pull(Stream stream) {
        lock.unlock();
        ExplainRequest request = null;
        RuntimeException error = null;
        try {
            if (source.hasNext()) {
                request = source.next();
            }
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
        }
        if (error != null) {
            sourceError = error;
            stream.requests.cancel("input failed", error);
            return null;
        }
        return request == null ? null : newItem(request);
    }

    private Item newItem(ExplainRequest request) {
        lock.lock();
        try {
            return new Item(nextIndex++, request);
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the requests sent and not finished, by index. */
    private List<Item> takeUnfinished() {
        lock.lock();
        try {
            List<Item> items = new ArrayList<>(inFlight.values());
            items.sort(Comparator.comparingLong(i -> i.index));
            inFlight.clear();
            return items;
        } finally {
            lock.unlock();
        }
    }

    /** Delivers {@code sentItems}, then the requests waiting to be sent, as failed. */
    private void failAll(List<Item> sentItems, Status status) {
        for (Item item : sentItems) {
            deliver(item, null, status);
        }
        List<Item> unsent;
        lock.lock();
        try {
            unsent = new ArrayList<>(toSend);
            toSend.clear();
        } finally {
            lock.unlock();
        }
        for (Item item : unsent) {
            deliver(item, null, status);
        }
    }

    private void deliver(Item item, ExplainOutcome outcome, Status status) {
        lock.lock();
        try {
            if (status.isOk()) {
                succeeded++;
            } else {
                failed++;
            }
        } finally {
            lock.unlock();
        }
        try {
            sink.accept(new RequestResult(item.index, item.id, item.request, outcome, status));
        } catch (RuntimeException e) {
            logger.log(Level.WARNING, "result callback failed for request " + item.id, e);
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static Status toStatus(com.google.rpc.Status s) {
        Status status = Status.fromCodeValue(s.getCode());
        if (status.isOk()) {
            status = Status.UNKNOWN; // a failure must not read as success
        }
        return status.withDescription(s.getMessage());
    }

    /** The response side of one {@code ExplainStream} call. */
    private final class Stream
            implements ClientResponseObserver<ExplainStreamRequest, ExplainStreamEvent> {
        ClientCallStreamObserver<ExplainStreamRequest> requests;
        boolean halfClosed; // guarded by lock
        volatile Status end;

        @Override
        public void beforeStart(ClientCallStreamObserver<ExplainStreamRequest> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(PipelineRun.this::signal);
        }

        @Override
        public void onNext(ExplainStreamEvent event) {
            Item done = null;
            ExplainOutcome outcome = null;
            Status status = null;
            lock.lock();
            try {
                Item item = inFlight.get(event.getRequestId());
                if (item == null) {
                    return; // not ours, or already finished
                }
                if (event.hasFailed()) {
                    done = item;
                    status = toStatus(event.getFailed().getStatus());
                } else if (event.hasEvent()) {
                    if (item.error == null) {
                        try {
                            item.collector.accept(event.getEvent());
                        } catch (RuntimeException e) {
                            item.error =
                                    Status.INTERNAL
                                            .withDescription("bad event: " + e.getMessage())
                                            .withCause(e);
                        }
                    }
                    if (event.getEvent().hasCompleted()) {
                        done = item;
                        status = item.error != null ? item.error : Status.OK;
                        outcome = item.error != null ? null : item.collector.build();
                    }
                }
                if (done != null) {
                    inFlight.remove(done.id);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            if (done != null) {
                deliver(done, outcome, status);
            }
        }

        @Override
        public void onError(Throwable t) {
            finish(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            lock.lock();
            try {
                finish(
                        halfClosed
                                ? Status.OK
                                : Status.INTERNAL.withDescription(
                                        "server ended the stream before the client finished sending"));
            } finally {
                lock.unlock();
            }
        }

        private void finish(Status status) {
            lock.lock();
            try {
                end = status;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
