package dev.licnn.engine.licnn;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the Java lateral-inhibition gates of a call on several cores. The (layer, class) maps are
 * independent: they go into a queue, largest first, and are taken by helper threads of a shared
 * daemon pool and by the calling thread, as many in all as the calling worker has intra-op threads
 * (the cores libtorch uses for its passes, idle while the gates run).
 *
 * <p>The gates run between the passes, not beside them: gating rank r's maps on a helper while the
 * backward pass of rank r + 1 ran made that pass 60% slower on two cores and the map slower overall
 * ({@code bench-engine}, README).
 */
final class GateThreads {

    /** One map's gate and its cost (locations x window size). */
    record Task(long cost, Runnable work) {}

    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ThreadFactory FACTORY = r -> {
        Thread t = new Thread(r, "licnn-gates-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    };
    private static final ExecutorService POOL = Executors.newCachedThreadPool(FACTORY);

    private GateThreads() {}

    /** The intra-op threads libtorch uses on this thread, at most the machine's processors, at least 1. */
    static int threadsOfThisThread() {
        int t;
        try {
            t = JniUtils.getNumThreads();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            t = 1;
        }
        return Math.max(1, Math.min(t, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs every task on {@code threads} threads at most (this one included) and returns when all
     * are done. The first failure is rethrown after the others finish.
     */
    static void run(List<Task> tasks, int threads) {
        Queue q = new Queue();
        q.submit(tasks, threads - 1);
        q.await(threads - 1);
    }

    /**
     * Gates waiting to run, and the helper threads running them. Tasks may be added while earlier
     * ones run; {@link #await} runs what is left on the calling thread too and returns when every
     * task submitted so far is done. Not for concurrent submitters: one queue per call.
     */
    static final class Queue {
        private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger unfinished = new AtomicInteger();
        private final AtomicInteger helpers = new AtomicInteger();
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final Object done = new Object();

        /** Queues the tasks (largest first) and makes sure up to {@code maxHelpers} helper threads take them. */
        void submit(List<Task> tasks, int maxHelpers) {
            List<Task> sorted = new ArrayList<>(tasks);
            sorted.sort(Comparator.comparingLong(Task::cost).reversed());
            unfinished.addAndGet(sorted.size());
            sorted.forEach(t -> waiting.add(t.work()));
            startHelpers(maxHelpers);
        }

        private void startHelpers(int maxHelpers) {
            while (!waiting.isEmpty()) {
                int h = helpers.get();
                if (h >= maxHelpers) {
                    return;
                }
                if (helpers.compareAndSet(h, h + 1)) {
                    POOL.execute(() -> {
                        try {
                            drain();
                        } finally {
                            helpers.decrementAndGet();
                        }
                    });
                }
            }
        }

        private void drain() {
            Runnable r;
            while ((r = waiting.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (Error e) {
                    failure.compareAndSet(null, new IllegalStateException(e));
                } finally {
                    if (unfinished.decrementAndGet() == 0) {
                        synchronized (done) {
                            done.notifyAll();
                        }
                    }
                }
            }
        }

        /**
         * Runs waiting tasks on this thread beside up to {@code maxHelpers} helpers, waits for those
         * that helpers are running, and rethrows the first failure.
         */
        void await(int maxHelpers) {
            startHelpers(maxHelpers);
            drain();
            boolean interrupted = false;
            synchronized (done) {
                while (unfinished.get() > 0) {
                    try {
                        done.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }
    }
}
