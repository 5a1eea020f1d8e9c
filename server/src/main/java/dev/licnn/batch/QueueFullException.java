package dev.licnn.batch;

/** A job was rejected at submit time because the pool's bounded queue was full. */
public class QueueFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public QueueFullException(int limit) {
        super("job queue is full (" + limit + " jobs waiting, the limit)");
        this.limit = limit;
    }

    private QueueFullException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    /** A job refused because its client already has {@code limit} jobs waiting. */
    public static QueueFullException perClient(int limit) {
        return new QueueFullException(
                "this client already has " + limit + " jobs waiting, the per-client limit", limit);
    }

    /** The queue capacity (or per-client limit) that was reached. */
    public int limit() {
        return limit;
    }
}
