package dev.licnn.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dynamic batcher with one worker thread per device, sharing one bounded queue.
 *
 * <p>{@link #submit} never blocks: it queues the job or fails at once with {@link
 * QueueFullException} or {@link PoolClosedException}. Each worker takes the oldest queued job, adds
 * queued jobs with an equal {@linkplain Job#key() batch key} until it holds {@code maxBatchSize} of
 * them or {@code maxQueueDelay} has passed, drops jobs that were cancelled or whose deadline passed
 * while they waited, and hands the rest to its own {@link BatchProcessor}.
 *
 * <pre>{@code
 * WorkerPool<Image, Result> pool = WorkerPool.<Image, Result>builder()
 *         .addWorker("gpu0", "cuda:0", worker -> new MyProcessor(worker.device()))
 *         .addWorker("gpu1", "cuda:1", worker -> new MyProcessor(worker.device()))
 *         .optMaxBatchSize(8)
 *         .optMaxQueueDelay(Duration.ofMillis(20))
 *         .optMaxQueueSize(256)
 *         .build();                        // processors are created on their workers' threads
 * CompletableFuture<Result> result = pool.submit(Job.of("vgg16@224", image));
 * ...
 * pool.shutdown(Duration.ofSeconds(10)); // finish queued work, then close the processors
 * }</pre>
 *
 * <p>The {@link Ticker} governs everything measured about jobs (batch fill delay, deadlines, queue
 * time); the shutdown grace period is real time.
 *
 * @param <I> job input type
 * @param <O> job result type
 */
public final class WorkerPool<I, O> implements AutoCloseable {

    /** Grace period used by {@link #close()}. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    /** Least time {@link #shutdown} waits for interrupted workers to close their processors. */
    private static final long MIN_STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JobQueue<I, O> queue;
    private final List<Worker<I, O>> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<WorkerContext> contexts = new ArrayList<>();
    private final Ticker ticker;
    private final PoolListener listener;
    private final int maxBatchSize;
    private final Duration maxQueueDelay;
    private final int maxQueueSize;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object shutdownLock = new Object();

    private WorkerPool(Builder<I, O> b) {
        this.ticker = b.ticker;
        this.listener = new SafeListener(b.listener);
        this.maxBatchSize = b.maxBatchSize;
        this.maxQueueDelay = b.maxQueueDelay;
        this.maxQueueSize = b.maxQueueSize;
        this.queue =
                new JobQueue<>(
                        maxQueueSize,
                        b.maxQueuedPerClient > 0 ? b.maxQueuedPerClient : maxQueueSize,
                        ticker);
        long delayNanos = Job.saturatedNanos(maxQueueDelay);
        for (int i = 0; i < b.specs.size(); i++) {
            Spec<I, O> spec = b.specs.get(i);
            WorkerContext context = new WorkerContext(spec.name, spec.device, i);
            Worker<I, O> worker =
                    new Worker<>(
                            context,
                            spec.factory,
                            queue,
                            maxBatchSize,
                            delayNanos,
                            ticker,
                            listener,
                            inFlight);
            Thread thread = new Thread(worker, b.threadNamePrefix + spec.name);
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            contexts.add(context);
        }
    }

    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    /** Starts the threads and waits until every processor exists; on failure stops them all. */
    private void start() {
        threads.forEach(Thread::start);
        for (Worker<I, O> worker : workers) {
            try {
                worker.ready().get();
            } catch (ExecutionException e) {
                shutdown(Duration.ZERO);
                throw new IllegalStateException(
                        worker.context() + " failed to create its processor", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown(Duration.ZERO);
                throw new IllegalStateException("interrupted while starting the worker pool", e);
            }
        }
    }

    /**
     * Queues a job and returns its {@linkplain Job#result() future}. Never blocks. On rejection the
     * job's future fails with the same exception that is thrown.
     *
     * @throws QueueFullException if {@code maxQueueSize} jobs are waiting
     * @throws PoolClosedException if the pool has been shut down
     * @throws IllegalStateException if the job was submitted before
     */
    public CompletableFuture<O> submit(Job<I, O> job) {
        Objects.requireNonNull(job, "job");
        job.markSubmitted(ticker.nanoTime());
        int depth;
        try {
            depth = queue.offer(job);
        } catch (QueueFullException | PoolClosedException e) {
            job.fail(e);
            listener.onReject(
                    job.key(),
                    e instanceof QueueFullException
                            ? RejectReason.QUEUE_FULL
                            : RejectReason.POOL_CLOSED);
            throw e;
        }
        listener.onEnqueue(job.key(), depth);
        // A job cancelled while it waits leaves the queue at once: it frees its place and is not
        // counted as waiting until a worker happens to reach it.
        job.result()
                .whenComplete(
                        (r, e) -> {
                            if (job.isCancelled() && queue.remove(job)) {
                                listener.onReject(job.key(), RejectReason.CANCELLED);
                            }
                        });
        return job.result();
    }

    /** Jobs waiting in the queue. */
    public int queueDepth() {
        return queue.size();
    }

    /** Jobs taken from the queue by a worker and not yet finished. */
    public int inFlight() {
        return inFlight.get();
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public Duration maxQueueDelay() {
        return maxQueueDelay;
    }

    public int maxQueueSize() {
        return maxQueueSize;
    }

    /** The workers, in the order they were added. */
    public List<WorkerContext> workers() {
        return List.copyOf(contexts);
    }

    /** The ticker the pool measures job time with; use it to compute absolute deadlines. */
    public Ticker ticker() {
        return ticker;
    }

    /** Whether {@link #shutdown} has been called (submits are rejected). */
    public boolean isShutdown() {
        return queue.isClosed();
    }

    /** Whether every worker thread has ended. */
    public boolean isTerminated() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /**
     * Shuts the pool down. New submits fail with {@link PoolClosedException} at once; queued and
     * running jobs get up to {@code grace} to finish. Then jobs still queued fail with {@link
     * PoolClosedException}, workers still running a batch are interrupted, and the call waits (up
     * to {@code grace} again, at least one second) for every worker to close its processor on its
     * own thread and end. Idempotent; concurrent callers wait for the first.
     *
     * @return whether every worker thread has ended
     */
    public boolean shutdown(Duration grace) {
        long graceNanos = Job.saturatedNanos(Objects.requireNonNull(grace, "grace"));
        synchronized (shutdownLock) {
            queue.close();
            try {
                if (awaitTermination(graceNanos)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            PoolClosedException closed =
                    new PoolClosedException("worker pool shut down before the job ran");
            for (Job<I, O> job : queue.drainAll()) {
                if (job.fail(closed)) {
                    listener.onReject(job.key(), RejectReason.POOL_CLOSED);
                }
            }
            threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
            if (Thread.currentThread().isInterrupted()) {
                return isTerminated();
            }
            try {
                return awaitTermination(Math.max(graceNanos, MIN_STOP_WAIT_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return isTerminated();
            }
        }
    }

    /** Waits up to {@code timeout} for every worker thread to end; returns whether they have. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return awaitTermination(Job.saturatedNanos(Objects.requireNonNull(timeout, "timeout")));
    }

    private boolean awaitTermination(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
            }
        }
        return isTerminated();
    }

    /** Shuts down with {@link #DEFAULT_GRACE}. */
    @Override
    public void close() {
        shutdown(DEFAULT_GRACE);
    }

    private record Spec<I, O>(String name, String device, ProcessorFactory<I, O> factory) {}

    /**
     * Configures a {@link WorkerPool}; {@link #build()} validates, starts the workers and waits for
     * them.
     */
    public static final class Builder<I, O> {

        private final List<Spec<I, O>> specs = new ArrayList<>();
        private int maxBatchSize = 1;
        private Duration maxQueueDelay = Duration.ZERO;
        private int maxQueueSize = 100;
        private int maxQueuedPerClient;
        private Ticker ticker = Ticker.system();
        private PoolListener listener = PoolListener.NOOP;
        private String threadNamePrefix = "batch-worker-";

        private Builder() {}

        /**
         * Adds a worker with its own thread. At least one is required.
         *
         * @param name unique within the pool; also names the thread
         * @param device the device the worker owns, e.g. {@code "cpu"} or {@code "cuda:0"}
         * @param factory creates the worker's processor, on the worker's thread
         */
        public Builder<I, O> addWorker(String name, String device, ProcessorFactory<I, O> factory) {
            specs.add(
                    new Spec<>(
                            Objects.requireNonNull(name, "name"),
                            Objects.requireNonNull(device, "device"),
                            Objects.requireNonNull(factory, "factory")));
            return this;
        }

        /** Most jobs in one batch, at least 1; default 1 (no batching). */
        public Builder<I, O> optMaxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * Longest time a worker waits for more jobs after taking the first job of a batch; default
         * zero (batch only what is already queued).
         */
        public Builder<I, O> optMaxQueueDelay(Duration maxQueueDelay) {
            this.maxQueueDelay = Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
            return this;
        }

        /** Most jobs waiting in the queue, at least 1; default 100. */
        /**
         * The most jobs one client ({@link Job#client()}) may have waiting; the queue's size when
         * unset. Jobs without a client count as one client.
         */
        public Builder<I, O> optMaxQueuedPerClient(int maxQueuedPerClient) {
            if (maxQueuedPerClient < 1) {
                throw new IllegalArgumentException(
                        "maxQueuedPerClient must be at least 1, got " + maxQueuedPerClient);
            }
            this.maxQueuedPerClient = maxQueuedPerClient;
            return this;
        }

        public Builder<I, O> optMaxQueueSize(int maxQueueSize) {
            this.maxQueueSize = maxQueueSize;
            return this;
        }

        /** The time source for job timing; default {@link Ticker#system()}. */
        public Builder<I, O> optTicker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder<I, O> optListener(PoolListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Worker threads are named this prefix plus the worker name; default {@code
         * "batch-worker-"}.
         */
        public Builder<I, O> optThreadNamePrefix(String prefix) {
            this.threadNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Validates the configuration, starts one thread per worker and waits until each has
         * created its processor.
         *
         * @throws IllegalArgumentException if the configuration is invalid
         * @throws IllegalStateException if a processor factory failed (its exception is the cause);
         *     workers already started are shut down
         */
        public WorkerPool<I, O> build() {
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("a worker pool needs at least one worker");
            }
            Set<String> names = new HashSet<>();
            for (Spec<I, O> spec : specs) {
                if (!names.add(spec.name)) {
                    throw new IllegalArgumentException("duplicate worker name: " + spec.name);
                }
            }
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException(
                        "maxBatchSize must be at least 1, got " + maxBatchSize);
            }
            if (maxQueueDelay.isNegative()) {
                throw new IllegalArgumentException(
                        "maxQueueDelay must not be negative, got " + maxQueueDelay);
            }
            if (maxQueueSize < 1) {
                throw new IllegalArgumentException(
                        "maxQueueSize must be at least 1, got " + maxQueueSize);
            }
            WorkerPool<I, O> pool = new WorkerPool<>(this);
            pool.start();
            return pool;
        }
    }
}
