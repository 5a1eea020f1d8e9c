package dev.licnn.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One unit of work for a {@link WorkerPool}: an input, a batch key, an optional deadline, and the
 * future through which the result, a failure or a cancellation is delivered.
 *
 * <p>Jobs are batched only with jobs whose keys are {@linkplain Object#equals equal}, so the key
 * should capture everything that must agree within a batch (for example a model name and an input
 * size). A job may be submitted once.
 *
 * <pre>{@code
 * Job<Image, Result> job = Job.builder(new ShapeKey("vgg16", 224, 224), image)
 *         .optTimeout(Duration.ofSeconds(2))
 *         .build();
 * pool.submit(job).whenComplete((result, error) -> ...);
 * // the caller went away:
 * job.cancel();
 * }</pre>
 *
 * @param <I> input type
 * @param <O> result type
 */
public final class Job<I, O> {

    /**
     * Long enough to mean "never", short enough that adding it to a timestamp cannot overflow
     * twice.
     */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    private final Object key;
    private final Object client;
    private final I input;
    private final CompletableFuture<O> result = new CompletableFuture<>();
    private final boolean hasTimeout;
    private final long timeoutNanos;
    private final AtomicBoolean submitted = new AtomicBoolean();

    private volatile boolean hasDeadline;
    private volatile long deadlineNanos;
    private volatile long enqueuedAtNanos;
    private volatile long queueTimeNanos = -1;
    private volatile int batchSize;

    private Job(Builder<I, O> b) {
        this.key = b.key;
        this.client = b.client;
        this.input = b.input;
        this.hasTimeout = b.timeout != null;
        this.timeoutNanos = hasTimeout ? saturatedNanos(b.timeout) : 0;
        this.hasDeadline = b.hasDeadline;
        this.deadlineNanos = b.deadlineNanos;
    }

    /** A job without deadline. */
    public static <I, O> Job<I, O> of(Object key, I input) {
        return Job.<I, O>builder(key, input).build();
    }

    /** Starts a job with the given batch key and input. */
    public static <I, O> Builder<I, O> builder(Object key, I input) {
        return new Builder<>(key, input);
    }

    /** The batch key: only jobs with equal keys share a batch. */
    public Object key() {
        return key;
    }

    /**
     * Who asked for the job, or null when unknown: the queue takes clients in turn and caps each
     * one's waiting jobs.
     */
    public Object client() {
        return client;
    }

    public I input() {
        return input;
    }

    /**
     * The future that completes with the result, with the failure, or as cancelled. Cancelling it
     * is the same as {@link #cancel()}.
     */
    public CompletableFuture<O> result() {
        return result;
    }

    /**
     * Completes the job with its result. Returns false if it was already complete (or cancelled).
     */
    public boolean complete(O value) {
        return result.complete(value);
    }

    /**
     * Completes the job with a failure. Returns false if it was already complete (or cancelled).
     */
    public boolean fail(Throwable error) {
        return result.completeExceptionally(Objects.requireNonNull(error, "error"));
    }

    /**
     * Cancels the job: its future completes with a {@link CancellationException} now, a queued job
     * is dropped before its batch runs, and a running job's processor can see {@link
     * #isCancelled()} and stop. Returns whether the job is now cancelled: false if it had already
     * completed with a result or failure.
     */
    public boolean cancel() {
        return result.cancel(false);
    }

    public boolean isCancelled() {
        return result.isCancelled();
    }

    /** Whether the job has completed in any way: result, failure or cancellation. */
    public boolean isDone() {
        return result.isDone();
    }

    /** Whether the job has been handed to a pool. */
    public boolean isSubmitted() {
        return submitted.get();
    }

    /**
     * The deadline in the pool ticker's nanoseconds, if any. A relative timeout is resolved against
     * the enqueue time when the job is submitted.
     */
    public OptionalLong deadlineNanos() {
        return hasDeadline ? OptionalLong.of(deadlineNanos) : OptionalLong.empty();
    }

    /** The ticker time at which the job was queued. */
    public long enqueuedAtNanos() {
        if (!isSubmitted()) {
            throw new IllegalStateException("job has not been submitted");
        }
        return enqueuedAtNanos;
    }

    /**
     * How long the job waited in the queue before its batch started, or -1 if it has not started.
     */
    public long queueTimeNanos() {
        return queueTimeNanos;
    }

    /** The number of jobs in the batch this job ran in, or 0 if it has not started. */
    public int batchSize() {
        return batchSize;
    }

    /** Records the enqueue time and resolves the deadline; throws if submitted before. */
    void markSubmitted(long nowNanos) {
        if (!submitted.compareAndSet(false, true)) {
            throw new IllegalStateException("job has already been submitted");
        }
        enqueuedAtNanos = nowNanos;
        if (hasTimeout) {
            long relative = nowNanos + timeoutNanos;
            if (!hasDeadline || relative - deadlineNanos < 0) {
                deadlineNanos = relative;
                hasDeadline = true;
            }
        }
    }

    void markStarted(long nowNanos, int size) {
        queueTimeNanos = Math.max(0, nowNanos - enqueuedAtNanos);
        batchSize = size;
    }

    /** Whether the deadline has been reached at {@code nowNanos}. */
    boolean isExpiredAt(long nowNanos) {
        return hasDeadline && nowNanos - deadlineNanos >= 0;
    }

    /** Neither complete nor past its deadline: worth running. */
    boolean isLiveAt(long nowNanos) {
        return !isDone() && !isExpiredAt(nowNanos);
    }

    static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return Math.min(d.toNanos(), MAX_TIMEOUT_NANOS);
        } catch (ArithmeticException e) {
            return MAX_TIMEOUT_NANOS;
        }
    }

    @Override
    public String toString() {
        String state =
                result.isCancelled()
                        ? "cancelled"
                        : result.isCompletedExceptionally()
                                ? "failed"
                                : result.isDone()
                                        ? "done"
                                        : batchSize > 0
                                                ? "running"
                                                : isSubmitted() ? "queued" : "new";
        return "Job[key=" + key + ", " + state + "]";
    }

    /**
     * Builds a {@link Job}. A job may have an absolute deadline, a timeout relative to its enqueue
     * time, both (the earlier wins) or neither.
     */
    public static final class Builder<I, O> {

        private final Object key;
        private final I input;
        private Object client;
        private Duration timeout;
        private boolean hasDeadline;
        private long deadlineNanos;

        private Builder(Object key, I input) {
            this.key = Objects.requireNonNull(key, "key");
            this.input = input;
        }

        /** Names the job's client (compared with {@code equals}); jobs without one share a turn. */
        public Builder<I, O> optClient(Object client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Fails the job if it has not started this long after it was queued. */
        public Builder<I, O> optTimeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Fails the job if it has not started by this time of the pool's {@link Ticker}. */
        public Builder<I, O> optDeadlineNanos(long deadlineNanos) {
            this.hasDeadline = true;
            this.deadlineNanos = deadlineNanos;
            return this;
        }

        public Job<I, O> build() {
            return new Job<>(this);
        }
    }
}
