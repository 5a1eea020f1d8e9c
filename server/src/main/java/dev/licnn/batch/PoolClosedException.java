package dev.licnn.batch;

/**
 * The pool is shut down: a job submitted after {@link WorkerPool#shutdown} is rejected with this,
 * and so is a queued job that had not started when the shutdown grace period ended.
 */
public class PoolClosedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PoolClosedException(String message) {
        super(message);
    }
}
