package dev.licnn.server;

import dev.licnn.batch.Job;
import dev.licnn.batch.QueueFullException;
import dev.licnn.batch.WorkerPool;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands work to the worker pool: the one place where a call's deadline becomes a job's timeout, and
 * where a job's failure (refused, expired, cancelled, failed batch) reaches the work's typed reply.
 */
final class WorkQueue {

    private final WorkerPool<Work, WorkResult> pool;

    WorkQueue(WorkerPool<Work, WorkResult> pool) {
        this.pool = pool;
    }

    /** A piece of work's job (to cancel, and for its timings) and its typed result. */
    record Submitted<R>(Job<Work, WorkResult> job, CompletableFuture<R> result) {}

    /** The job for the logits of one image, not yet queued: see {@link #submit(Submitted)}. */
    Submitted<WorkResult.Logits> job(Work.Classify w, Deadline deadline) {
        return job(w, w.reply(), deadline);
    }

    /** The job for the explanation of one image, not yet queued. */
    Submitted<WorkResult.Explained> job(Work.Explaining w, Deadline deadline) {
        return job(w, w.reply(), deadline);
    }

    /**
     * Queues a job; a refusal also fails its result.
     *
     * @throws RuntimeException the pool's refusal (queue full, shutting down)
     */
    <R> Submitted<R> submit(Submitted<R> s) {
        pool.submit(s.job());
        return s;
    }

    private static <R> Submitted<R> job(Work w, CompletableFuture<R> reply, Deadline deadline) {
        Job.Builder<Work, WorkResult> jb =
                Job.<Work, WorkResult>builder(w.batchKey(), w).optClient(ClientKeys.current());
        if (deadline != null) {
            jb.optTimeout(timeout(deadline));
        }
        Job<Work, WorkResult> job = jb.build();
        job.result()
                .whenComplete(
                        (v, err) -> {
                            if (err != null) {
                                reply.completeExceptionally(err);
                            }
                        });
        return new Submitted<>(job, reply);
    }

    /**
     * Admission before any decoding: refuses a request of {@code jobs} jobs at once when the queue
     * has no room for them (the room can still fill before they are submitted: each is then refused
     * alone).
     *
     * @throws QueueFullException when the queue is full
     * @throws OverLimitException naming the room left, when it is too little
     * @throws dev.licnn.batch.PoolClosedException when the pool is shut down
     */
    void admit(int jobs) {
        if (pool.isShutdown()) {
            throw new dev.licnn.batch.PoolClosedException(
                    "worker pool is shut down and accepts no jobs");
        }
        int room = pool.maxQueueSize() - pool.queueDepth();
        if (room <= 0) {
            throw new QueueFullException(pool.maxQueueSize());
        }
        if (room < jobs) {
            throw new OverLimitException(
                    "job queue has room for "
                            + room
                            + " jobs, the request has "
                            + jobs
                            + " images; send fewer, or again later");
        }
    }

    /** What is left of a call's deadline, as a job timeout (zero once it has passed). */
    static Duration timeout(Deadline deadline) {
        return Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    }
}
