package dev.licnn.server;

import dev.licnn.batch.BatchProcessor;
import dev.licnn.batch.Job;
import dev.licnn.batch.WorkerContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Holds every batch at the start of its worker's processor until {@link #open()}: a worker is then
 * busy for exactly as long as a test needs, whatever the machine's speed. The batch then runs as
 * usual. Install with {@link #install}.
 *
 * <pre>{@code
 * WorkerGate gate = new WorkerGate();
 * try (TestServer ts = new TestServer(gate::install)) {
 *     ... send a request; gate.awaitHeld(1); ... the worker is busy ...
 *     gate.open();
 * }
 * }</pre>
 */
final class WorkerGate implements UnaryOperator<BatchProcessor<Work, WorkResult>> {

    /** Only a guard against a hang: a held batch gives up after this long, failing its jobs. */
    static final Duration HANG_GUARD = Duration.ofMinutes(2);

    private final CountDownLatch open = new CountDownLatch(1);
    private final Object lock = new Object();
    private int held;

    /** Makes every worker of the server built by {@code b} pass through this gate. */
    LicnnServer.Builder install(LicnnServer.Builder b) {
        return b.decorateProcessors(this);
    }

    @Override
    public BatchProcessor<Work, WorkResult> apply(BatchProcessor<Work, WorkResult> inner) {
        return new BatchProcessor<>() {
            @Override
            public void process(List<Job<Work, WorkResult>> batch, WorkerContext worker)
                    throws Exception {
                synchronized (lock) {
                    held++;
                    lock.notifyAll();
                }
                if (!open.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("worker gate never opened");
                }
                inner.process(batch, worker);
            }

            @Override
            public void close() throws Exception {
                inner.close();
            }
        };
    }

    /** Lets every held and later batch run. */
    void open() {
        open.countDown();
    }

    /** Batches that have reached the gate so far (held, or passed once it was open). */
    int held() {
        synchronized (lock) {
            return held;
        }
    }

    /** Waits until {@code n} batches have reached the gate. */
    void awaitHeld(int n) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        synchronized (lock) {
            while (held < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "timed out waiting for " + n + " held batch(es), saw " + held);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }
}
