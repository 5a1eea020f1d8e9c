package dev.licnn.batch;

import static dev.licnn.batch.TestProcessor.awaitTrue;
import static dev.licnn.batch.TestProcessor.job;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolBatchingTest {

    private WorkerPool<String, String> pool;

    @AfterEach
    void shutDown() {
        if (pool != null) {
            assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        }
    }

    private WorkerPool<String, String> pool(
            TestProcessor processor, int maxBatchSize, Duration delay, Ticker ticker) {
        pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optMaxBatchSize(maxBatchSize)
                        .optMaxQueueDelay(delay)
                        .optTicker(ticker)
                        .build();
        return pool;
    }

    @Test
    void queuedJobs_formBatchesUpToMaxBatchSize() throws Exception {
        TestProcessor processor = new TestProcessor(true);
        pool(processor, 4, Duration.ZERO, Ticker.system());
        Job<String, String> first = job("g0");
        pool.submit(first);
        processor.awaitFirstBatch();
        List<Job<String, String>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Job<String, String> j = job("k" + i);
            queued.add(j);
            pool.submit(j);
        }
        assertEquals(10, pool.queueDepth());
        processor.release();

        for (Job<String, String> j : queued) {
            assertEquals(j.input().toUpperCase(), j.result().get(5, SECONDS));
        }
        assertEquals("G0", first.result().get(5, SECONDS));
        assertEquals(List.of(1, 4, 4, 2), processor.batches.stream().map(List::size).toList());
        assertEquals(List.of("k0", "k1", "k2", "k3"), processor.batches.get(1));
        assertEquals(1, first.batchSize());
        assertEquals(4, queued.get(0).batchSize());
        assertEquals(2, queued.get(9).batchSize());
    }

    @Test
    void differentKeys_neverShareABatch_andNoKeyStarves() throws Exception {
        TestProcessor processor = new TestProcessor(true);
        pool(processor, 2, Duration.ZERO, Ticker.system());
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        List<Job<String, String>> jobs = new ArrayList<>();
        for (String input : List.of("a1", "b1", "a2", "a3", "a4", "a5")) {
            Job<String, String> j = job(input);
            jobs.add(j);
            pool.submit(j);
        }
        processor.release();
        for (Job<String, String> j : jobs) {
            j.result().get(5, SECONDS);
        }
        // The oldest job always starts the next batch: b1 runs second although more a-jobs wait.
        assertEquals(
                List.of(
                        List.of("g"),
                        List.of("a1", "a2"),
                        List.of("b1"),
                        List.of("a3", "a4"),
                        List.of("a5")),
                processor.batches);
    }

    @Test
    void maxQueueDelay_waitsForMoreJobsOfTheSameKeyUntilTheTickerPassesIt() throws Exception {
        FakeTicker ticker = new FakeTicker();
        TestProcessor processor = new TestProcessor(false);
        pool(processor, 4, Duration.ofHours(1), ticker);

        Job<String, String> a1 = job("a1");
        pool.submit(a1);
        awaitTrue(() -> pool.queueDepth() == 0, "worker takes a1");
        Job<String, String> a2 = job("a2");
        Job<String, String> b1 = job("b1");
        pool.submit(a2);
        pool.submit(b1);
        awaitTrue(() -> pool.queueDepth() == 1, "worker adds a2 to its batch and leaves b1 queued");
        assertFalse(a1.isDone(), "batch must wait for the delay while it is not full");

        ticker.advance(Duration.ofHours(1));
        assertEquals("A1", a1.result().get(5, SECONDS));
        assertEquals("A2", a2.result().get(5, SECONDS));
        assertEquals(2, a1.batchSize());

        awaitTrue(() -> pool.queueDepth() == 0, "worker takes b1");
        assertFalse(b1.isDone());
        ticker.advance(Duration.ofHours(1));
        assertEquals("B1", b1.result().get(5, SECONDS));
        assertEquals(List.of(List.of("a1", "a2"), List.of("b1")), processor.batches);
    }

    @Test
    void fullBatch_runsWithoutWaitingForTheDelay() throws Exception {
        FakeTicker ticker = new FakeTicker();
        TestProcessor processor = new TestProcessor(false);
        pool(processor, 2, Duration.ofHours(1), ticker);
        Job<String, String> a1 = job("a1");
        Job<String, String> a2 = job("a2");
        pool.submit(a1);
        pool.submit(a2);
        assertEquals("A1", a1.result().get(5, SECONDS));
        assertEquals("A2", a2.result().get(5, SECONDS));
        assertEquals(List.of(List.of("a1", "a2")), processor.batches);
    }

    @Test
    void realShortDelay_stillRunsALoneJob() throws Exception {
        TestProcessor processor = new TestProcessor(false);
        pool(processor, 8, Duration.ofMillis(20), Ticker.system());
        Job<String, String> a = job("a");
        pool.submit(a);
        assertEquals("A", a.result().get(5, SECONDS));
        assertEquals(1, a.batchSize());
    }

    @Test
    void queueTime_isMeasuredWithTheTicker() throws Exception {
        FakeTicker ticker = new FakeTicker();
        TestProcessor processor = new TestProcessor(true);
        List<Long> queueTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optTicker(ticker)
                        .optListener(
                                new PoolListener() {
                                    @Override
                                    public void onQueueTime(Object key, long nanos) {
                                        queueTimes.add(nanos);
                                    }
                                })
                        .build();
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> a = job("a");
        pool.submit(a);
        ticker.advance(Duration.ofSeconds(3));
        processor.release();
        a.result().get(5, SECONDS);
        assertEquals(Duration.ofSeconds(3).toNanos(), a.queueTimeNanos());
        assertEquals(List.of(0L, Duration.ofSeconds(3).toNanos()), queueTimes);
    }
}
