package dev.licnn.engine.licnn;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the Java lateral-inhibition gates of a call on several cores. The (layer, class) maps are
 * independent, so they are split into as many parts as the calling worker has intra-op threads
 * (the cores libtorch uses for its passes, idle while the gates run), balanced by cost (largest
 * first, each to the lightest part); the calling thread computes one part, threads of a shared
 * daemon pool the others. One thread: everything on the calling thread, nothing is handed off.
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
     * Runs every task, on {@code threads} threads at most (this one included), and returns when all
     * are done. The first failure is rethrown after the others finish.
     */
    static void run(List<Task> tasks, int threads) {
        int parts = Math.max(1, Math.min(threads, tasks.size()));
        if (parts == 1) {
            tasks.forEach(t -> t.work().run());
            return;
        }
        List<List<Runnable>> split = balance(tasks, parts);
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            List<Runnable> part = split.get(p);
            futures.add(POOL.submit(() -> part.forEach(Runnable::run)));
        }
        RuntimeException failure = null;
        try {
            split.get(0).forEach(Runnable::run);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while gating", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Error err) {
                    throw err;
                }
                failure = failure != null ? failure
                        : c instanceof RuntimeException re ? re : new IllegalStateException(c);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Longest-processing-time-first: each task, largest first, to the part with the least cost so far. */
    static List<List<Runnable>> balance(List<Task> tasks, int parts) {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparingLong(Task::cost).reversed());
        List<List<Runnable>> out = new ArrayList<>(parts);
        long[] load = new long[parts];
        for (int p = 0; p < parts; p++) {
            out.add(new ArrayList<>());
        }
        for (Task t : sorted) {
            int best = 0;
            for (int p = 1; p < parts; p++) {
                if (load[p] < load[best]) {
                    best = p;
                }
            }
            out.get(best).add(t.work());
            load[best] += t.cost();
        }
        return out;
    }
}
