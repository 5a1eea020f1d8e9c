package dev.licnn.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's bounded FIFO queue and batch aggregation, shared by all workers.
 *
 * <p>A worker takes the oldest live job, then moves queued jobs with an equal key into its batch
 * until the batch is full or {@code maxDelay} (by the ticker) has passed since the first job was
 * taken. Jobs of other keys keep their places, so the next batch starts with the oldest of them and
 * no key starves. Futures are never completed while the lock is held.
 */
final class JobQueue<I, O> {

    /**
     * Longest single wait while filling a batch: the ticker is re-read at least this often, so an
     * injected ticker that jumps ahead is noticed without a signal.
     */
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job<I, O>> jobs = new ArrayDeque<>();
    private final int capacity;
    private final Ticker ticker;
    private boolean closed;

    JobQueue(int capacity, Ticker ticker) {
        this.capacity = capacity;
        this.ticker = ticker;
    }

    /**
     * Appends a job and returns the new depth.
     *
     * @throws PoolClosedException if the queue is closed
     * @throws QueueFullException if the queue holds {@code capacity} jobs
     */
    int offer(Job<I, O> job) {
        lock.lock();
        try {
            if (closed) {
                throw new PoolClosedException("worker pool is shut down and accepts no jobs");
            }
            if (jobs.size() >= capacity) {
                throw new QueueFullException(capacity);
            }
            jobs.addLast(job);
            changed.signalAll();
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks for the next batch. The result holds the live jobs of one key, at most {@code maxSize}
     * of them, together with any dead jobs (complete or past their deadline) met on the way, which
     * the caller must finish off. Returns a list of dead jobs alone rather than hold them while
     * blocking, and null once the queue is closed and empty.
     *
     * <p>If interrupted while filling a batch, returns what it has with the interrupt flag set.
     *
     * @throws InterruptedException if interrupted before any job was taken
     */
    List<Job<I, O>> nextBatch(int maxSize, long maxDelayNanos) throws InterruptedException {
        List<Job<I, O>> out = new ArrayList<>();
        lock.lockInterruptibly();
        try {
            Object key = takeFirstLive(out);
            if (key == null) {
                return out.isEmpty() ? null : out;
            }
            fill(key, out, maxSize, maxDelayNanos);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Moves jobs from the head into {@code out} until a live one is found; returns its key. */
    private Object takeFirstLive(List<Job<I, O>> out) throws InterruptedException {
        while (true) {
            Job<I, O> head = jobs.pollFirst();
            if (head == null) {
                if (!out.isEmpty() || closed) {
                    return null;
                }
                changed.await();
                continue;
            }
            out.add(head);
            if (head.isLiveAt(ticker.nanoTime())) {
                return head.key();
            }
        }
    }

    private void fill(Object key, List<Job<I, O>> out, int maxSize, long maxDelayNanos) {
        int live = 1;
        long start = ticker.nanoTime();
        while (true) {
            live += moveSameKey(key, out, maxSize - live);
            if (live >= maxSize || closed) {
                return;
            }
            long remaining = maxDelayNanos - (ticker.nanoTime() - start);
            if (remaining <= 0) {
                return;
            }
            try {
                changed.awaitNanos(Math.min(remaining, MAX_WAIT_SLICE_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Moves up to {@code wanted} live jobs with {@code key} (and dead ones on the way) into {@code
     * out}.
     */
    private int moveSameKey(Object key, List<Job<I, O>> out, int wanted) {
        int moved = 0;
        long now = ticker.nanoTime();
        for (Iterator<Job<I, O>> it = jobs.iterator(); it.hasNext() && moved < wanted; ) {
            Job<I, O> job = it.next();
            if (key.equals(job.key())) {
                it.remove();
                out.add(job);
                if (job.isLiveAt(now)) {
                    moved++;
                }
            }
        }
        return moved;
    }

    /** Stops accepting jobs and wakes every waiting worker. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code job} if it is still queued; returns whether it was. */
    boolean remove(Job<I, O> job) {
        lock.lock();
        try {
            return jobs.removeIf(j -> j == job);
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every queued job. */
    List<Job<I, O>> drainAll() {
        lock.lock();
        try {
            List<Job<I, O>> all = new ArrayList<>(jobs);
            jobs.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }
}
