package dev.licnn.batch;

import static dev.licnn.batch.TestProcessor.job;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolAdmissionTest {

    private final List<RejectReason> rejections = new CopyOnWriteArrayList<>();
    private final PoolListener listener =
            new PoolListener() {
                @Override
                public void onReject(Object key, RejectReason reason) {
                    rejections.add(reason);
                }
            };
    private WorkerPool<String, String> pool;

    @AfterEach
    void shutDown() {
        if (pool != null) {
            assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        }
    }

    private void start(TestProcessor processor, int maxQueueSize, Ticker ticker) {
        pool =
                WorkerPool.<String, String>builder()
                        .addWorker("w0", "cpu", processor::create)
                        .optMaxBatchSize(4)
                        .optMaxQueueSize(maxQueueSize)
                        .optTicker(ticker)
                        .optListener(listener)
                        .build();
    }

    @Test
    void queueFull_rejectsImmediately_andThePoolKeepsServing() throws Exception {
        TestProcessor processor = new TestProcessor(true);
        start(processor, 2, Ticker.system());
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> a = job("a");
        Job<String, String> b = job("b");
        pool.submit(a);
        pool.submit(b);

        Job<String, String> c = job("c");
        QueueFullException e = assertThrows(QueueFullException.class, () -> pool.submit(c));
        assertEquals(2, e.limit());
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertSame(e, cause(c));
        assertEquals(List.of(RejectReason.QUEUE_FULL), rejections);

        processor.release();
        assertEquals("A", a.result().get(5, SECONDS));
        assertEquals("B", b.result().get(5, SECONDS));
        Job<String, String> d = job("d");
        assertEquals("D", pool.submit(d).get(5, SECONDS));
    }

    @Test
    void jobCancelledWhileQueued_neverReachesTheProcessor() throws Exception {
        TestProcessor processor = new TestProcessor(true);
        start(processor, 10, Ticker.system());
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> a1 = job("a1");
        Job<String, String> a2 = job("a2");
        pool.submit(a1);
        pool.submit(a2);
        assertTrue(a1.cancel());
        processor.release();

        assertEquals("A2", a2.result().get(5, SECONDS));
        assertThrows(CancellationException.class, () -> a1.result().get(5, SECONDS));
        assertTrue(a1.isCancelled());
        assertEquals(List.of(List.of("g"), List.of("a2")), processor.batches);
        assertEquals(1, a2.batchSize());
        assertEquals(List.of(RejectReason.CANCELLED), rejections);
    }

    @Test
    void deadlinePassedWhileQueued_failsWithDeadlineExceeded_andNeverReachesTheProcessor()
            throws Exception {
        FakeTicker ticker = new FakeTicker();
        TestProcessor processor = new TestProcessor(true);
        start(processor, 10, ticker);
        pool.submit(job("g"));
        processor.awaitFirstBatch();
        Job<String, String> timedOut =
                Job.<String, String>builder("a", "a1").optTimeout(Duration.ofSeconds(1)).build();
        Job<String, String> pastDeadline =
                Job.<String, String>builder("a", "a2")
                        .optDeadlineNanos(ticker.nanoTime() + Duration.ofMillis(500).toNanos())
                        .build();
        Job<String, String> inTime =
                Job.<String, String>builder("a", "a3").optTimeout(Duration.ofHours(1)).build();
        pool.submit(timedOut);
        pool.submit(pastDeadline);
        pool.submit(inTime);
        ticker.advance(Duration.ofSeconds(2));
        processor.release();

        assertEquals("A3", inTime.result().get(5, SECONDS));
        assertInstanceOf(DeadlineExceededException.class, cause(timedOut));
        assertInstanceOf(DeadlineExceededException.class, cause(pastDeadline));
        assertEquals(List.of(List.of("g"), List.of("a3")), processor.batches);
        assertEquals(
                List.of(RejectReason.DEADLINE_EXCEEDED, RejectReason.DEADLINE_EXCEEDED),
                rejections);
    }

    @Test
    void relativeTimeout_resolvesAgainstTheEnqueueTime() {
        FakeTicker ticker = new FakeTicker();
        start(new TestProcessor(false), 10, ticker);
        Job<String, String> j =
                Job.<String, String>builder("a", "a").optTimeout(Duration.ofSeconds(2)).build();
        assertTrue(j.deadlineNanos().isEmpty());
        pool.submit(j);
        assertEquals(ticker.nanoTime(), j.enqueuedAtNanos());
        assertEquals(
                ticker.nanoTime() + Duration.ofSeconds(2).toNanos(), j.deadlineNanos().getAsLong());
    }

    @Test
    void submittingAJobTwice_isRejected() {
        start(new TestProcessor(false), 10, Ticker.system());
        Job<String, String> j = job("a");
        pool.submit(j);
        assertThrows(IllegalStateException.class, () -> pool.submit(j));
    }

    @Test
    void submitAfterShutdown_failsFastWithPoolClosed() {
        start(new TestProcessor(false), 10, Ticker.system());
        assertTrue(pool.shutdown(Duration.ofSeconds(5)));
        Job<String, String> j = job("a");
        assertThrows(PoolClosedException.class, () -> pool.submit(j));
        assertInstanceOf(PoolClosedException.class, cause(j));
        assertEquals(List.of(RejectReason.POOL_CLOSED), rejections);
    }

    static Throwable cause(Job<String, String> job) {
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> job.result().get(5, SECONDS));
        return e.getCause();
    }
}
