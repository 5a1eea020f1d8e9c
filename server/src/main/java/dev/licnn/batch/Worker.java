package dev.licnn.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one worker thread: create the processor, run batches from the shared queue until the
 * queue is closed and empty or the thread is interrupted, then close the processor.
 */
final class Worker<I, O> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext context;
    private final ProcessorFactory<I, O> factory;
    private final JobQueue<I, O> queue;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final Ticker ticker;
    private final PoolListener listener;
    private final AtomicInteger inFlight;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    Worker(
            WorkerContext context,
            ProcessorFactory<I, O> factory,
            JobQueue<I, O> queue,
            int maxBatchSize,
            long maxDelayNanos,
            Ticker ticker,
            PoolListener listener,
            AtomicInteger inFlight) {
        this.context = context;
        this.factory = factory;
        this.queue = queue;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxDelayNanos;
        this.ticker = ticker;
        this.listener = listener;
        this.inFlight = inFlight;
    }

    WorkerContext context() {
        return context;
    }

    /** Completes once the processor exists, or exceptionally if the factory failed. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void run() {
        BatchProcessor<I, O> processor;
        try {
            processor = factory.create(context);
            if (processor == null) {
                throw new IllegalStateException("processor factory returned null for " + context);
            }
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            ready.completeExceptionally(t);
            return;
        }
        ready.complete(null);
        try {
            loop(processor);
            if (Thread.currentThread().isInterrupted() && !queue.isClosed()) {
                log.warn("{} was interrupted and stops while the pool is open", context);
            }
        } finally {
            close(processor);
        }
    }

    private void loop(BatchProcessor<I, O> processor) {
        while (!Thread.currentThread().isInterrupted()) {
            List<Job<I, O>> taken;
            try {
                taken = queue.nextBatch(maxBatchSize, maxDelayNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (taken == null) {
                return;
            }
            inFlight.addAndGet(taken.size());
            try {
                if (Thread.currentThread().isInterrupted()) {
                    PoolClosedException stopped =
                            new PoolClosedException(context + " stopped before the job ran");
                    for (Job<I, O> job : taken) {
                        if (job.fail(stopped)) {
                            listener.onReject(job.key(), RejectReason.POOL_CLOSED);
                        }
                    }
                    return;
                }
                run(processor, taken);
            } finally {
                inFlight.addAndGet(-taken.size());
            }
        }
    }

    /** Drops jobs that are done or expired, then processes the rest as one batch. */
    private void run(BatchProcessor<I, O> processor, List<Job<I, O>> taken) {
        long now = ticker.nanoTime();
        List<Job<I, O>> batch = new ArrayList<>(taken.size());
        for (Job<I, O> job : taken) {
            if (job.isCancelled()) {
                listener.onReject(job.key(), RejectReason.CANCELLED);
            } else if (job.isDone()) {
                continue;
            } else if (job.isExpiredAt(now)) {
                if (job.fail(
                        new DeadlineExceededException(
                                "deadline passed after "
                                        + (now - job.enqueuedAtNanos()) / 1_000_000
                                        + " ms in the queue"))) {
                    listener.onReject(job.key(), RejectReason.DEADLINE_EXCEEDED);
                }
            } else {
                batch.add(job);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        Object key = batch.get(0).key();
        for (Job<I, O> job : batch) {
            job.markStarted(now, batch.size());
            listener.onQueueTime(key, job.queueTimeNanos());
        }
        listener.onBatchStart(context, key, batch.size());
        Throwable failure = null;
        try {
            processor.process(Collections.unmodifiableList(batch), context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Throwable t) {
            log.warn("{} failed a batch of {} jobs", context, batch.size(), t);
            failure = t;
        }
        Throwable error =
                failure != null
                        ? failure
                        : new IllegalStateException(
                                context + " finished a batch without completing the job");
        for (Job<I, O> job : batch) {
            job.fail(error);
        }
        listener.onBatchEnd(context, key, batch.size(), ticker.nanoTime() - now, failure);
    }

    /** Closes the processor with the interrupt flag clear, so native cleanup is not cut short. */
    private void close(BatchProcessor<I, O> processor) {
        boolean interrupted = Thread.interrupted();
        try {
            processor.close();
        } catch (Throwable t) {
            log.warn("{} failed to close its processor", context, t);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
