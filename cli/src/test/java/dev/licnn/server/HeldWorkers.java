package dev.licnn.server;

import dev.licnn.batch.BatchProcessor;
import dev.licnn.batch.Job;
import dev.licnn.batch.WorkerContext;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For tests outside the server module: every batch waits at the start of its worker's processor
 * until {@code open} is counted down, so that a worker is busy for as long as a test needs,
 * whatever the machine's speed; {@code held} counts the batches that reached the wait.
 */
public final class HeldWorkers {

    private HeldWorkers() {}

    /** {@code b} with every worker held until {@code open}. */
    public static LicnnServer.Builder until(
            CountDownLatch open, AtomicInteger held, LicnnServer.Builder b) {
        return b.decorateProcessors(
                inner ->
                        new BatchProcessor<>() {
                            @Override
                            public void process(
                                    List<Job<Work, WorkResult>> batch, WorkerContext worker)
                                    throws Exception {
                                held.incrementAndGet();
                                // Only a guard against a hang.
                                if (!open.await(2, TimeUnit.MINUTES)) {
                                    throw new IllegalStateException("held worker never released");
                                }
                                inner.process(batch, worker);
                            }

                            @Override
                            public void close() throws Exception {
                                inner.close();
                            }
                        });
    }
}
