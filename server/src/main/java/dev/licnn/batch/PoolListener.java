package dev.licnn.batch;

/**
 * Hooks for metrics and logging. Every method does nothing by default; override what you need.
 *
 * <p>Methods are called from the submitting thread or a worker thread, so implementations must be
 * thread-safe and fast. An exception thrown by a hook is logged and otherwise ignored.
 */
public interface PoolListener {

    /** A listener that ignores everything. */
    PoolListener NOOP = new PoolListener() {};

    /** A job was queued; {@code depth} is the queue depth including it. */
    default void onEnqueue(Object key, int depth) {}

    /** A job was rejected at submit time or dropped from the queue without running. */
    default void onReject(Object key, RejectReason reason) {}

    /**
     * A job left the queue to run in a batch after waiting {@code nanos} (measured by the ticker).
     */
    default void onQueueTime(Object key, long nanos) {}

    /** A worker is about to process a batch of {@code size} jobs with batch key {@code key}. */
    default void onBatchStart(WorkerContext worker, Object key, int size) {}

    /**
     * A worker finished a batch after {@code nanos} (measured by the ticker); {@code failure} is
     * what {@link BatchProcessor#process} threw, or null if it returned normally.
     */
    default void onBatchEnd(
            WorkerContext worker, Object key, int size, long nanos, Throwable failure) {}
}
