package dev.licnn.batch;

/**
 * A source of monotonic nanosecond timestamps, injected so that tests can control time.
 *
 * <p>The pool reads it for every time-based decision about jobs: enqueue timestamps, deadlines,
 * queue time and how long to wait to fill a batch. Values are only meaningful relative to each
 * other, as with {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

    /** The current time in nanoseconds, on an arbitrary but fixed origin. */
    long nanoTime();

    /** The ticker backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
