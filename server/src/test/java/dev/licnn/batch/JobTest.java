package dev.licnn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobTest {

    @Test
    void earlierOfDeadlineAndTimeout_wins() {
        Job<String, String> j =
                Job.<String, String>builder("k", "x")
                        .optDeadlineNanos(1_000)
                        .optTimeout(Duration.ofNanos(500))
                        .build();
        assertEquals(1_000, j.deadlineNanos().getAsLong());
        j.markSubmitted(100);
        assertEquals(600, j.deadlineNanos().getAsLong());
        assertFalse(j.isExpiredAt(599));
        assertTrue(j.isExpiredAt(600));
    }

    @Test
    void hugeTimeout_doesNotOverflowIntoThePast() {
        Job<String, String> j =
                Job.<String, String>builder("k", "x")
                        .optTimeout(Duration.ofDays(365_000_000L))
                        .build();
        j.markSubmitted(Long.MAX_VALUE - 10);
        assertFalse(j.isExpiredAt(Long.MAX_VALUE));
    }

    @Test
    void cancel_completesTheFutureOnce() {
        Job<String, String> j = Job.of("k", "x");
        assertTrue(j.cancel());
        assertTrue(j.isCancelled());
        assertTrue(j.result().isCancelled());
        assertFalse(j.complete("late"));
        assertTrue(j.cancel(), "still cancelled");
        Job<String, String> done = Job.of("k", "y");
        done.complete("result");
        assertFalse(done.cancel());
        assertFalse(done.isCancelled());
    }

    @Test
    void cancellingTheFuture_cancelsTheJob() {
        Job<String, String> j = Job.of("k", "x");
        j.result().cancel(true);
        assertTrue(j.isCancelled());
    }

    @Test
    void timingFields_areUnsetBeforeTheJobRuns() {
        Job<String, String> j = Job.of("k", "x");
        assertThrows(IllegalStateException.class, j::enqueuedAtNanos);
        assertEquals(-1, j.queueTimeNanos());
        assertEquals(0, j.batchSize());
        assertThrows(NullPointerException.class, () -> Job.of(null, "x"));
    }
}
