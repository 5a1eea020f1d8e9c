package dev.licnn.batch;

/** Why a job was turned away or dropped before it reached a processor. */
public enum RejectReason {
    /** The queue held {@code maxQueueSize} jobs when the job was submitted. */
    QUEUE_FULL,
    /** The pool was shut down before the job was submitted, or before it could run. */
    POOL_CLOSED,
    /** The job was cancelled while it waited in the queue. */
    CANCELLED,
    /** The job's deadline passed while it waited in the queue. */
    DEADLINE_EXCEEDED
}
