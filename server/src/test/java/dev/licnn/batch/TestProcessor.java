package dev.licnn.batch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A processor that records its batches and threads. Optionally gated: the first batch blocks until
 * {@link #release()}, so tests can queue jobs behind it.
 */
final class TestProcessor implements BatchProcessor<String, String> {

    /** What to do with a batch; the default completes every job with its input in upper case. */
    @FunctionalInterface
    interface Handler {
        void handle(List<Job<String, String>> batch) throws Exception;
    }

    static final Handler UPPER_CASE =
            batch -> batch.forEach(j -> j.complete(j.input().toUpperCase()));

    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final Set<Thread> processedOn = ConcurrentHashMap.newKeySet();
    final CountDownLatch firstBatchStarted = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final boolean gated;
    private final Handler handler;
    volatile Thread createdOn;
    volatile Thread closedOn;
    volatile WorkerContext worker;

    TestProcessor(boolean gated, Handler handler) {
        this.gated = gated;
        this.handler = handler;
    }

    TestProcessor(boolean gated) {
        this(gated, UPPER_CASE);
    }

    /** Use as the {@link ProcessorFactory}: records the creating thread. */
    TestProcessor create(WorkerContext worker) {
        this.worker = worker;
        this.createdOn = Thread.currentThread();
        return this;
    }

    @Override
    public void process(List<Job<String, String>> batch, WorkerContext context) throws Exception {
        processedOn.add(Thread.currentThread());
        batches.add(batch.stream().map(Job::input).collect(Collectors.toList()));
        if (firstBatchStarted.getCount() > 0) {
            firstBatchStarted.countDown();
            if (gated) {
                gate.await();
            }
        }
        handler.handle(batch);
    }

    @Override
    public void close() {
        closedOn = Thread.currentThread();
        closed.countDown();
    }

    void awaitFirstBatch() throws InterruptedException {
        assertTrue(firstBatchStarted.await(5, TimeUnit.SECONDS), "first batch did not start");
    }

    void release() {
        gate.countDown();
    }

    /** Job with the first letter of its input as batch key. */
    static Job<String, String> job(String input) {
        return Job.of(input.substring(0, 1), input);
    }

    /** Waits (bounded) for a state, not for time to pass. */
    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
