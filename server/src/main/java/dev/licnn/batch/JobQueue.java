package dev.licnn.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's bounded queue and batch aggregation, shared by all workers.
 *
 * <p>Clients ({@link Job#client()}) take turns: a worker takes the oldest live job of the client
 * whose turn it is, so one client's burst delays another client's job by at most one job per
 * waiting client, and each client may hold at most {@code perClient} waiting jobs, so a burst never
 * fills the queue for everyone. A client's own jobs keep their order. The worker then moves queued
 * jobs with an equal key into its batch until the batch is full or {@code maxDelay} (by the ticker)
 * has passed since the first job was taken. Jobs of other keys keep their places, so the next batch
 * starts with the oldest of them and no key starves. Futures are never completed while the lock is
 * held.
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

    /** The client of jobs that name none. */
    private static final Object NO_CLIENT = new Object();

    /** Waiting jobs per client; a client is present while it has any. */
    private final Map<Object, Integer> waiting = new HashMap<>();

    /** Clients with waiting jobs, the one whose turn is next first. */
    private final ArrayDeque<Object> turns = new ArrayDeque<>();

    private final int capacity;
    private final int perClient;
    private final Ticker ticker;
    private boolean closed;

    JobQueue(int capacity, Ticker ticker) {
        this(capacity, capacity, ticker);
    }

    JobQueue(int capacity, int perClient, Ticker ticker) {
        this.capacity = capacity;
        this.perClient = perClient;
        this.ticker = ticker;
    }

    private static Object clientOf(Job<?, ?> job) {
        return job.client() == null ? NO_CLIENT : job.client();
    }

    /** Books a job that left the queue other than by its client's turn. */
    private void left(Job<I, O> job) {
        Object c = clientOf(job);
        int n = waiting.getOrDefault(c, 0) - 1;
        if (n <= 0) {
            waiting.remove(c);
            turns.remove(c);
        } else {
            waiting.put(c, n);
        }
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
            Object c = clientOf(job);
            int n = waiting.getOrDefault(c, 0);
            if (n >= perClient) {
                throw QueueFullException.perClient(perClient);
            }
            waiting.put(c, n + 1);
            if (n == 0) {
                turns.addLast(c);
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

    /**
     * Moves the oldest job of the client whose turn it is into {@code out}, turn by turn, until a
     * live one is found; returns its key.
     */
    private Object takeFirstLive(List<Job<I, O>> out) throws InterruptedException {
        while (true) {
            Job<I, O> head = takeByTurn();
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

    /** Removes the oldest job of the next client in turn; that client goes to the back. */
    private Job<I, O> takeByTurn() {
        Object c = turns.pollFirst();
        if (c == null) {
            return null;
        }
        for (Iterator<Job<I, O>> it = jobs.iterator(); it.hasNext(); ) {
            Job<I, O> job = it.next();
            if (clientOf(job).equals(c)) {
                it.remove();
                int n = waiting.get(c) - 1;
                if (n == 0) {
                    waiting.remove(c);
                } else {
                    waiting.put(c, n);
                    turns.addLast(c);
                }
                return job;
            }
        }
        throw new IllegalStateException("client in turn has no waiting job");
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
                left(job);
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
            boolean removed = jobs.removeIf(j -> j == job);
            if (removed) {
                left(job);
            }
            return removed;
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
            waiting.clear();
            turns.clear();
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
