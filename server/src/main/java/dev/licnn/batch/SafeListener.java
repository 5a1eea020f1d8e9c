package dev.licnn.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forwards to a {@link PoolListener}, logging and ignoring whatever it throws. */
final class SafeListener implements PoolListener {

    private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

    private final PoolListener delegate;

    SafeListener(PoolListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onEnqueue(Object key, int depth) {
        guard(() -> delegate.onEnqueue(key, depth));
    }

    @Override
    public void onReject(Object key, RejectReason reason) {
        guard(() -> delegate.onReject(key, reason));
    }

    @Override
    public void onQueueTime(Object key, long nanos) {
        guard(() -> delegate.onQueueTime(key, nanos));
    }

    @Override
    public void onBatchStart(WorkerContext worker, Object key, int size) {
        guard(() -> delegate.onBatchStart(worker, key, size));
    }

    @Override
    public void onBatchEnd(
            WorkerContext worker, Object key, int size, long nanos, Throwable failure) {
        guard(() -> delegate.onBatchEnd(worker, key, size, nanos, failure));
    }

    private static void guard(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("pool listener failed", e);
        }
    }
}
