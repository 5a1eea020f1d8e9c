package dev.licnn.server;

/** What a worker returns for one request: the value, the batch's compute time and where it ran. */
public final class WorkResult {

    private final Object value;
    private final long computeNanos;
    private final String worker;
    private final String device;

    WorkResult(Object value, long computeNanos, String worker, String device) {
        this.value = value;
        this.computeNanos = computeNanos;
        this.worker = worker;
        this.device = device;
    }

    /** An {@code ExplainResult} for explain work, the logits ({@code float[]}) for classify work. */
    public Object value() {
        return value;
    }

    public long computeNanos() {
        return computeNanos;
    }

    public String worker() {
        return worker;
    }

    public String device() {
        return device;
    }
}
