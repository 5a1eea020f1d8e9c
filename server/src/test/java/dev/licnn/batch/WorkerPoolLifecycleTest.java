package dev.licnn.batch;

import static dev.licnn.batch.TestProcessor.awaitTrue;
import static dev.licnn.batch.TestProcessor.job;
import static dev.licnn.batch.WorkerPoolAdmissionTest.cause;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class WorkerPoolLifecycleTest {

    @Test
    void twoWorkers_eachRunBatchesWithAProcessorOwnedByItsThread() throws Exception {
        CountDownLatch bothBusy = new CountDownLatch(2);
        TestProcessor.Handler rendezvous =
                batch -> {
                    bothBusy.countDown();
                    assertTrue(bothBusy.await(5, SECONDS), "the other worker never ran a batch");
                    TestProcessor.UPPER_CASE.handle(batch);
                };
        TestProcessor p0 = new TestProcessor(false, rendezvous);
        TestProcessor p1 = new TestProcessor(false, rendezvous);
        WorkerPool<String, String> pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", p0::create)
                        .addWorker("w1", "cuda:0", p1::create)
                        .optThreadNamePrefix("test-worker-")
                        .build();
        assertEquals(
                List.of("w0", "w1"), pool.workers().stream().map(WorkerContext::name).toList());

        Job<String, String> a = job("a");
        Job<String, String> b = job("b");
        pool.submit(a);
        pool.submit(b);
        assertEquals("A", a.result().get(5, SECONDS));
        assertEquals("B", b.result().get(5, SECONDS));
        assertTrue(pool.shutdown(Duration.ofSeconds(5)));

        for (TestProcessor p : List.of(p0, p1)) {
            assertEquals(Set.of(p.createdOn), p.processedOn);
            assertSame(p.createdOn, p.closedOn);
            assertTrue(p.createdOn.isDaemon());
            assertFalse(p.createdOn.isAlive());
            assertEquals("test-worker-" + p.worker.name(), p.createdOn.getName());
        }
        assertNotSame(p0.createdOn, p1.createdOn);
        assertEquals("cuda:0", p1.worker.device());
        assertEquals(1, p1.worker.index());
        assertTrue(pool.isTerminated());
    }

    @Test
    void shutdown_rejectsNewJobs_andLetsQueuedAndRunningJobsFinish() throws Exception {
        TestProcessor processor = new TestProcessor(true);
        WorkerPool<String, String> pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .build();
        Job<String, String> running = job("g");
        pool.submit(running);
        processor.awaitFirstBatch();
        Job<String, String> a = job("a");
        Job<String, String> b = job("b");
        pool.submit(a);
        pool.submit(b);
        assertEquals(1, pool.inFlight());
        assertEquals(2, pool.queueDepth());

        CompletableFuture<Boolean> shutdown =
                CompletableFuture.supplyAsync(() -> pool.shutdown(Duration.ofSeconds(5)));
        awaitTrue(pool::isShutdown, "pool stops accepting");
        assertThrows(PoolClosedException.class, () -> pool.submit(job("c")));
        processor.release();

        assertTrue(shutdown.get(10, SECONDS));
        assertEquals("G", running.result().get(5, SECONDS));
        assertEquals("A", a.result().get(5, SECONDS));
        assertEquals("B", b.result().get(5, SECONDS));
        assertSame(processor.createdOn, processor.closedOn);
        assertTrue(pool.isTerminated());
        assertEquals(0, pool.inFlight());
        assertEquals(0, pool.queueDepth());
    }

    @Test
    void shutdown_failsJobsStillQueuedAfterTheGrace_andInterruptsTheRunningBatch()
            throws Exception {
        TestProcessor processor = new TestProcessor(true);
        WorkerPool<String, String> pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .build();
        Job<String, String> running = job("g");
        pool.submit(running);
        processor.awaitFirstBatch();
        Job<String, String> a = job("a");
        Job<String, String> b = job("b");
        pool.submit(a);
        pool.submit(b);

        assertTrue(pool.shutdown(Duration.ofMillis(50)));
        assertInstanceOf(PoolClosedException.class, cause(a));
        assertInstanceOf(PoolClosedException.class, cause(b));
        assertInstanceOf(InterruptedException.class, cause(running));
        assertEquals(List.of(List.of("g")), processor.batches);
        assertSame(processor.createdOn, processor.closedOn);
        assertFalse(processor.createdOn.isAlive());
    }

    @Test
    void shutdown_whileABatchWaitsToFill_runsItAtOnce() throws Exception {
        TestProcessor processor = new TestProcessor(false);
        WorkerPool<String, String> pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optMaxBatchSize(4)
                        .optMaxQueueDelay(Duration.ofHours(1))
                        .optTicker(new FakeTicker())
                        .build();
        Job<String, String> a = job("a");
        pool.submit(a);
        awaitTrue(() -> pool.queueDepth() == 0, "worker takes a");
        assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        assertEquals("A", a.result().get(5, SECONDS));
        assertEquals(1, a.batchSize());
    }

    @Test
    void shutdown_isIdempotent() throws Exception {
        TestProcessor processor = new TestProcessor(false);
        WorkerPool<String, String> pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .build();
        assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        assertTrue(pool.shutdown(Duration.ZERO));
        pool.close();
        assertTrue(pool.awaitTermination(Duration.ZERO));
        assertEquals(0, processor.closed.getCount());
        assertTrue(pool.isShutdown());
    }
}
