package dev.licnn.batch;

import java.util.List;

/**
 * Runs one batch of jobs on a worker's thread. One instance belongs to one worker: it is created on
 * that worker's thread by a {@link ProcessorFactory}, only ever called from that thread, and closed
 * there when the pool shuts down, so it may own thread-confined or native state.
 *
 * <p>The processor completes each job itself with {@link Job#complete} or {@link Job#fail}, as soon
 * as that job's result is known, which lets it stream partial results to a job's own listener
 * first. What it leaves incomplete the pool fails with an {@link IllegalStateException}; if {@code
 * process} throws, every job of that batch not yet completed fails with the thrown exception, and
 * other batches are unaffected. A long-running processor should check {@link Job#isCancelled()} and
 * stop work for jobs whose callers have gone.
 *
 * @param <I> job input type
 * @param <O> job result type
 */
public interface BatchProcessor<I, O> extends AutoCloseable {

    /**
     * Processes one batch: at least one and at most {@code maxBatchSize} jobs, all with equal batch
     * keys, none cancelled or past its deadline when the batch started.
     *
     * @param batch the jobs, in queue order; the list is unmodifiable
     * @param worker the worker running this batch
     * @throws InterruptedException if interrupted (the pool is stopping); fails the batch's
     *     remaining jobs
     * @throws Exception any other failure; fails the batch's remaining jobs
     */
    void process(List<Job<I, O>> batch, WorkerContext worker) throws Exception;

    /**
     * Releases what the processor owns. Called once, on the worker's thread. Does nothing by
     * default.
     */
    @Override
    default void close() throws Exception {}
}
