package dev.licnn.engine.licnn;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
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
    private static final ThreadFactory FACTORY =
            r -> {
                Thread t = new Thread(r, "licnn-gates-" + COUNT.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
    private static final ExecutorService POOL = Executors.newCachedThreadPool(FACTORY);

    private GateThreads() {}

    /**
     * The intra-op threads libtorch uses on this thread, at most the machine's processors, at least
     * 1.
     */
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
     * Runs every task on {@code threads} threads at most (this one included), largest first, and
     * returns when all are done. The first failure is rethrown after the others finish.
     */
    static void run(List<Task> tasks, int threads) {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparingLong(Task::cost).reversed());
        ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
        sorted.forEach(t -> waiting.add(t.work()));
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        int helpers = Math.max(0, Math.min(threads, sorted.size()) - 1);
        CountDownLatch helpersDone = new CountDownLatch(helpers);
        for (int i = 0; i < helpers; i++) {
            POOL.execute(
                    () -> {
                        try {
                            drain(waiting, failure);
                        } finally {
                            helpersDone.countDown();
                        }
                    });
        }
        drain(waiting, failure);
        boolean interrupted = false;
        while (true) {
            try {
                helpersDone.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
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

    /** Runs tasks from the queue until it is empty, keeping the first failure. */
    private static void drain(
            ConcurrentLinkedQueue<Runnable> waiting, AtomicReference<RuntimeException> failure) {
        Runnable r;
        while ((r = waiting.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } catch (Error e) {
                failure.compareAndSet(null, new IllegalStateException(e));
            }
        }
    }
}
