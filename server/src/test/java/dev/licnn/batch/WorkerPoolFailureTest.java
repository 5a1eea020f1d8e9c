package dev.licnn.batch;

import static dev.licnn.batch.TestProcessor.job;
import static dev.licnn.batch.WorkerPoolAdmissionTest.cause;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolFailureTest {

    private WorkerPool<String, String> pool;

    @AfterEach
    void shutDown() {
        if (pool != null) {
            assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        }
    }

    private void start(TestProcessor processor) {
        pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optMaxBatchSize(4)
                        .build();
    }

    @Test
    void processorThrowing_failsOnlyThatBatchesJobs() throws Exception {
        RuntimeException boom = new IllegalStateException("boom");
        AtomicBoolean thrown = new AtomicBoolean();
        TestProcessor processor =
                new TestProcessor(
                        true,
                        batch -> {
                            if (batch.get(0).key().equals("b")
                                    && thrown.compareAndSet(false, true)) {
                                batch.get(0).complete("streamed before the failure");
                                throw boom;
                            }
                            TestProcessor.UPPER_CASE.handle(batch);
                        });
        start(processor);
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> a1 = job("a1");
        Job<String, String> b1 = job("b1");
        Job<String, String> b2 = job("b2");
        Job<String, String> a2 = job("a2");
        List.of(a1, b1, b2, a2).forEach(pool::submit);
        processor.release();

        assertEquals("A1", a1.result().get(5, SECONDS));
        assertEquals("A2", a2.result().get(5, SECONDS));
        assertEquals("streamed before the failure", b1.result().get(5, SECONDS));
        assertSame(boom, cause(b2));
        assertEquals(
                List.of(List.of("g"), List.of("a1", "a2"), List.of("b1", "b2")), processor.batches);

        assertEquals("B3", pool.submit(job("b3")).get(5, SECONDS), "the worker keeps serving");
    }

    @Test
    void jobFailedByTheProcessor_leavesTheOthersSuccessful() throws Exception {
        TestProcessor processor =
                new TestProcessor(
                        true,
                        batch -> {
                            for (Job<String, String> j : batch) {
                                if (j.input().endsWith("bad")) {
                                    j.fail(new IllegalArgumentException("bad input"));
                                } else {
                                    j.complete(j.input());
                                }
                            }
                        });
        start(processor);
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> ok1 = job("a-ok1");
        Job<String, String> bad = job("a-bad");
        Job<String, String> ok2 = job("a-ok2");
        List.of(ok1, bad, ok2).forEach(pool::submit);
        processor.release();

        assertEquals("a-ok1", ok1.result().get(5, SECONDS));
        assertEquals("a-ok2", ok2.result().get(5, SECONDS));
        assertInstanceOf(IllegalArgumentException.class, cause(bad));
        assertEquals(3, bad.batchSize());
    }

    @Test
    void jobsLeftIncompleteByTheProcessor_areFailedByThePool() throws Exception {
        TestProcessor processor =
                new TestProcessor(true, batch -> batch.get(0).complete("first only"));
        start(processor);
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> a1 = job("a1");
        Job<String, String> a2 = job("a2");
        pool.submit(a1);
        pool.submit(a2);
        processor.release();

        assertEquals("first only", a1.result().get(5, SECONDS));
        Throwable e = cause(a2);
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("without completing"), e.getMessage());
    }

    @Test
    void failingListener_doesNotDisturbThePool() throws Exception {
        TestProcessor processor = new TestProcessor(false);
        pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optListener(
                                new PoolListener() {
                                    @Override
                                    public void onEnqueue(Object key, int depth) {
                                        throw new IllegalStateException("listener bug");
                                    }

                                    @Override
                                    public void onBatchStart(
                                            WorkerContext worker, Object key, int size) {
                                        throw new IllegalStateException("listener bug");
                                    }
                                })
                        .build();
        assertEquals("A", pool.submit(job("a")).get(5, SECONDS));
    }

    @Test
    void failingProcessorFactory_failsBuild_andStopsTheOtherWorkers() throws Exception {
        TestProcessor healthy = new TestProcessor(false);
        RuntimeException noDevice = new IllegalStateException("no such device");
        WorkerPool.Builder<String, String> builder =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", healthy::create)
                        .addWorker(
                                "w1",
                                "cuda:7",
                                worker -> {
                                    throw noDevice;
                                });
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertSame(noDevice, e.getCause());
        assertTrue(e.getMessage().contains("w1"), e.getMessage());
        assertTrue(healthy.closed.await(5, SECONDS), "the started worker closes its processor");
        assertSame(healthy.createdOn, healthy.closedOn);
    }

    @Test
    void invalidConfiguration_isRejectedByBuild() {
        assertThrows(
                IllegalArgumentException.class, () -> WorkerPool.<String, String>builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WorkerPool.<String, String>builder()
                                .addWorker("w", "cpu", w -> new TestProcessor(false))
                                .optMaxBatchSize(0)
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WorkerPool.<String, String>builder()
                                .addWorker("w", "cpu", w -> new TestProcessor(false))
                                .optMaxQueueSize(0)
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WorkerPool.<String, String>builder()
                                .addWorker("w", "cpu", w -> new TestProcessor(false))
                                .optMaxQueueDelay(Duration.ofMillis(-1))
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WorkerPool.<String, String>builder()
                                .addWorker("w", "cpu", w -> new TestProcessor(false))
                                .addWorker("w", "cuda:0", w -> new TestProcessor(false))
                                .build());
    }
}
