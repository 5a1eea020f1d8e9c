package dev.licnn.engine.explain;

/** The result of one job of a batch: a result, or why the job failed. */
public final class Outcome {
    private final ExplainResult result;
    private final Throwable error;

    private Outcome(ExplainResult result, Throwable error) {
        this.result = result;
        this.error = error;
    }

    /** A successful outcome. */
    public static Outcome ok(ExplainResult r) {
        return new Outcome(r, null);
    }

    /** A failed outcome. */
    public static Outcome failed(Throwable t) {
        return new Outcome(null, t);
    }

    /** The result, or null when the job failed. */
    public ExplainResult result() {
        return result;
    }

    /** Why the job failed, or null. */
    public Throwable error() {
        return error;
    }
}
