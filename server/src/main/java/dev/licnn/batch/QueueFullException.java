package dev.licnn.batch;

/** A job was rejected at submit time because the pool's bounded queue was full. */
public class QueueFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public QueueFullException(int limit) {
        super("job queue is full (" + limit + " jobs waiting, the limit)");
        this.limit = limit;
    }

    /** The queue capacity that was reached. */
    public int limit() {
        return limit;
    }
}
