package dev.licnn.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own threads, and their one owner: the RPC executor (decoding, validation, callbacks;
 * a fixed pool with a bounded queue), a health executor (health checks never wait behind a decode)
 * and the deadline timer. {@link #close()} stops them all.
 *
 * <p>When the RPC queue is full a new callback is refused ({@link RejectedExecutionException}: the
 * transport resets that stream), and a rate-limited line is logged. After {@link #close()} late
 * callbacks of calls already closed are dropped rather than thrown into the caller's thread.
 */
final class ServerThreads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerThreads.class);

    private final ThreadPoolExecutor rpc;
    private final ExecutorService health;
    private final ScheduledThreadPoolExecutor timer;
    private final RateLimitedLog refusedLog;
    private final AtomicLong refused = new AtomicLong();

    ServerThreads(int rpcThreads, int rpcQueueSize, RateLimitedLog refusedLog) {
        this.refusedLog = refusedLog;
        this.rpc =
                new ThreadPoolExecutor(
                        rpcThreads,
                        rpcThreads,
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(rpcQueueSize),
                        daemons("licnn-rpc-"),
                        (r, pool) -> {
                            if (pool.isShutdown()) {
                                return;
                            }
                            refused.incrementAndGet();
                            refusedLog.log(
                                    n ->
                                            LOG.warn(
                                                    "event=rpc_queue_full queue={} refused={}",
                                                    rpcQueueSize,
                                                    n));
                            throw new RejectedExecutionException(
                                    "RPC queue is full (" + rpcQueueSize + " callbacks waiting)");
                        });
        this.health = Executors.newSingleThreadExecutor(daemons("licnn-health-"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemons("licnn-deadlines-"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Runs the service's callbacks; bounded in threads and in queued tasks. */
    ExecutorService rpc() {
        return rpc;
    }

    /** Runs health checks alone. */
    ExecutorService health() {
        return health;
    }

    /** Deadlines and other timed work. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** Callbacks refused because the RPC queue was full, since start. */
    long refused() {
        return refused.get();
    }

    /** Stops every thread at once. */
    @Override
    public void close() {
        rpc.shutdownNow();
        health.shutdownNow();
        timer.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
