package dev.licnn.batch;

/**
 * Creates a worker's {@link BatchProcessor}. Called once per worker, on that worker's own thread,
 * when the pool starts, so that thread-confined or native state (a model copy on a device, say)
 * belongs to the thread that will use it.
 *
 * @param <I> job input type
 * @param <O> job result type
 */
@FunctionalInterface
public interface ProcessorFactory<I, O> {

    /**
     * Creates the processor for {@code worker}. Must not return null; throw to report a failure,
     * which makes {@link WorkerPool.Builder#build()} fail.
     */
    BatchProcessor<I, O> create(WorkerContext worker) throws Exception;
}
