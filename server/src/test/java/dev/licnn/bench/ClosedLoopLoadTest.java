package dev.licnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The closed-loop level against a fake clock: the window, what counts, the interval. */
class ClosedLoopLoadTest {

    /** A clock that each call advances by a fixed service time (one client: no races on it). */
    private static final class StepClock {
        final AtomicLong now = new AtomicLong(1_000);

        long get() {
            return now.get();
        }
    }

    @Test
    void warmupTime_isNotCounted_andWindowHoldsMinCompletions() throws Exception {
        StepClock clock = new StepClock();
        long service = 10_000_000L;
        int[] calls = {0};
        ClosedLoopLoad.Result r =
                ClosedLoopLoad.builder()
                        .setClients(1)
                        .optWarmup(2)
                        .optMinDuration(Duration.ofMillis(50))
                        .optMinCompletions(20)
                        .optClock(clock::get)
                        .build()
                        .run(
                                c ->
                                        () -> {
                                            // Warm-up calls take 100 times longer than the rest.
                                            clock.now.addAndGet(
                                                    calls[0]++ < 2 ? 100 * service : service);
                                            return new long[] {7, 1};
                                        });
        assertEquals(
                20, r.completed(), "the window closes at the 20th completion (50 ms pass after 5)");
        assertEquals(0.2, r.windowSeconds(), 1e-9);
        assertEquals(100.0, r.throughput(), 1e-9, "1 / 10 ms, warm-up excluded");
        assertEquals(140, r.counter(0));
        assertEquals(20, r.counter(1));
        double[] ci = r.throughputInterval();
        assertTrue(ci[0] <= 100 && 100 <= ci[1], "interval " + ci[0] + ".." + ci[1]);
        assertEquals(10.0, r.percentileMs(50), 1e-9);
        assertFalse(r.cutShort());
    }

    @Test
    void minDuration_keepsTheWindowOpenPastMinCompletions() throws Exception {
        StepClock clock = new StepClock();
        ClosedLoopLoad.Result r =
                ClosedLoopLoad.builder()
                        .setClients(1)
                        .optWarmup(0)
                        .optMinDuration(Duration.ofSeconds(1))
                        .optMinCompletions(3)
                        .optClock(clock::get)
                        .build()
                        .run(
                                c ->
                                        () -> {
                                            clock.now.addAndGet(100_000_000L);
                                            return null;
                                        });
        assertEquals(10, r.completed());
        assertEquals(10.0, r.throughput(), 1e-9);
    }

    @Test
    void maxDuration_cutsAStarvedLevelShort_andSaysSo() throws Exception {
        StepClock clock = new StepClock();
        ClosedLoopLoad.Result r =
                ClosedLoopLoad.builder()
                        .setClients(1)
                        .optWarmup(0)
                        .optMinDuration(Duration.ZERO)
                        .optMinCompletions(100)
                        .optMaxDuration(Duration.ofSeconds(2))
                        .optClock(clock::get)
                        .build()
                        .run(
                                c ->
                                        () -> {
                                            clock.now.addAndGet(1_000_000_000L);
                                            return null;
                                        });
        assertEquals(2, r.completed());
        assertTrue(r.cutShort());
    }

    @Test
    void failingCall_isRethrown() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                ClosedLoopLoad.builder()
                                        .setClients(3)
                                        .optMinDuration(Duration.ZERO)
                                        .build()
                                        .run(
                                                c ->
                                                        () -> {
                                                            throw new IllegalStateException("down");
                                                        }));
        assertEquals("down", e.getMessage());
    }

    @Test
    void badSettings_areRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ClosedLoopLoad.builder().setClients(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ClosedLoopLoad.builder().setClients(1).optMinCompletions(0).build());
    }
}
