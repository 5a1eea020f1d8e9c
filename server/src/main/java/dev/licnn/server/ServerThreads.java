package dev.licnn.server;

import java.util.concurrent.ExecutorService;
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
 * The server's own threads, and their one owner: the RPC executor (validation, callbacks; a fixed
 * pool with a bounded queue), the decode executor (request images, one request's images after each
 * other; as many threads as RPC threads, a bounded queue), a dispatch executor (where the transport
 * looks each new call up and starts it, and where health checks run: never behind a decode) and the
 * deadline timer. {@link #close()} stops them all.
 *
 * <p>When the RPC queue is full a new callback is refused ({@link RejectedExecutionException}: the
 * transport resets that stream), and a rate-limited line is logged. After {@link #close()} late
 * callbacks of calls already closed are dropped rather than thrown into the caller's thread.
 */
final class ServerThreads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerThreads.class);

    /** Threads that dispatch new calls and answer health checks. */
    static final int DISPATCH_THREADS = 2;

    private final ThreadPoolExecutor rpc;
    private final ThreadPoolExecutor decode;
    private final ThreadPoolExecutor dispatch;
    private final ScheduledThreadPoolExecutor timer;
    private final RateLimitedLog refusedLog;
    private final AtomicLong refused = new AtomicLong();

    ServerThreads(int rpcThreads, int rpcQueueSize, RateLimitedLog refusedLog) {
        this.refusedLog = refusedLog;
        this.rpc = bounded("licnn-rpc-", rpcThreads, rpcQueueSize);
        this.decode = bounded("licnn-decode-", rpcThreads, rpcQueueSize);
        this.dispatch = bounded("licnn-dispatch-", DISPATCH_THREADS, rpcQueueSize);
        this.timer = new ScheduledThreadPoolExecutor(1, daemons("licnn-deadlines-"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A fixed pool whose queue holds {@code queueSize} tasks; past it, tasks are refused. */
    private ThreadPoolExecutor bounded(String prefix, int threads, int queueSize) {
        return new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueSize),
                daemons(prefix),
                (r, pool) -> {
                    if (pool.isShutdown()) {
                        return;
                    }
                    refused.incrementAndGet();
                    refusedLog.log(
                            n ->
                                    LOG.warn(
                                            "event=rpc_queue_full pool={} queue={} refused={}",
                                            prefix,
                                            queueSize,
                                            n));
                    throw new RejectedExecutionException(
                            "RPC queue is full (" + queueSize + " callbacks waiting)");
                });
    }

    /** Runs the service's callbacks; bounded in threads and in queued tasks. */
    ExecutorService rpc() {
        return rpc;
    }

    /**
     * Decodes request images, so that a slow decode holds neither the RPC callbacks of other calls
     * nor health; bounded in threads and in queued requests (past it: {@link
     * RejectedExecutionException}).
     */
    ExecutorService decode() {
        return decode;
    }

    /**
     * Looks up and starts new calls (light work: no decoding) and runs health checks, so that
     * health answers however busy the RPC threads are.
     */
    ExecutorService dispatch() {
        return dispatch;
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
        decode.shutdownNow();
        dispatch.shutdownNow();
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
