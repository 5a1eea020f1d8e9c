package dev.licnn.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

/** Bounds every fuzz target checks: memory allocated by the thread while it handles one input. */
final class Limits {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Limits() {}

    /** Bytes allocated by this thread so far. */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Fails if this thread allocated more than {@code limit} bytes since {@code start}. */
    static void assertAllocatedAtMost(long start, long limit, String what) {
        long used = allocated() - start;
        assertTrue(
                used <= limit,
                what + " allocated " + used + " bytes, more than the " + limit + " allowed");
    }
}
