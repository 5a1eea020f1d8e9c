package dev.licnn.server;

import java.io.IOException;

/**
 * One port of the server (gRPC, gRPC-Web, metrics), started and stopped on its own. A server stops
 * its endpoints in two steps: {@link #stopAccepting()} on all, then {@link #awaitStopped} within
 * one shared deadline, then {@link #stopNow()} on any still running.
 */
interface Endpoint {

    /** What it serves, for log lines. */
    String name();

    /** Binds the port and starts serving. */
    void start() throws IOException;

    /** Takes no new calls; calls in flight run on. Returns at once. */
    void stopAccepting();

    /** Waits until every call has ended, at most until {@code deadlineNanos} ({@code nanoTime}). */
    boolean awaitStopped(long deadlineNanos) throws InterruptedException;

    /** Ends every call and releases the port, now. Safe to call in any state. */
    void stopNow();

    /** The bound port, or -1. */
    int port();
}
