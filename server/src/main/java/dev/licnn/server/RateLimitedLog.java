package dev.licnn.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for an event that may come at any rate (refused calls, a full
 * queue): the line that is written carries how many events there were since the last one.
 *
 * <pre>{@code
 * RateLimitedLog refused = new RateLimitedLog(Duration.ofSeconds(10).toNanos(), System::nanoTime);
 * refused.log(n -> LOG.info("event=rpc_refused count={}", n));
 * }</pre>
 */
public final class RateLimitedLog {

    /** Ten seconds between lines. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long intervalNanos;
    private final LongSupplier clock;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lastAt;

    public RateLimitedLog(long intervalNanos, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.clock = nanoClock;
        this.lastAt = new AtomicLong(nanoClock.getAsLong() - intervalNanos);
    }

    /**
     * Counts one event; if the interval has passed since the last line, hands {@code line} the
     * number of events it stands for (this one included) and returns true.
     */
    public boolean log(LongConsumer line) {
        long count = pending.incrementAndGet();
        long now = clock.getAsLong();
        long last = lastAt.get();
        if (now - last >= intervalNanos && lastAt.compareAndSet(last, now)) {
            count = pending.getAndSet(0);
            line.accept(count);
            return true;
        }
        return false;
    }
}
