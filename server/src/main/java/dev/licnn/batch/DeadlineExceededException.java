package dev.licnn.batch;

/** A job's deadline passed while it waited in the queue, so it was never run. */
public class DeadlineExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
        super(message);
    }
}
