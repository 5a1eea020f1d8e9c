package dev.licnn.server;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A client call on its own thread whose end a test checks: {@link #join()} fails if it hangs or
 * failed.
 */
final class Background {

    /** Work to run; may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Background(String name, Body body) {
        thread =
                new Thread(
                        () -> {
                            try {
                                body.run();
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        name);
        thread.setDaemon(true);
    }

    /** Starts {@code body} on a new thread. */
    static Background start(String name, Body body) {
        Background b = new Background(name, body);
        b.thread.start();
        return b;
    }

    /** Waits for the end (two minutes at most, a guard against a hang) and rethrows its failure. */
    void join() throws InterruptedException {
        thread.join(120_000);
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " did not end within 2 minutes");
        }
        if (failure.get() != null) {
            throw new AssertionError(thread.getName() + " failed: " + failure.get(), failure.get());
        }
    }
}
