package dev.licnn.bench;

import dev.licnn.engine.bench.Samples;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * One level of closed-loop load: {@code clients} threads, each sending its next request as soon as
 * the previous one completes.
 *
 * <p>Each client first makes its warm-up calls; the measurement window opens when the last client
 * has finished warming up (all clients then start together) and closes at the first completion at
 * which both at least {@code minDuration} has passed and at least {@code minCompletions} requests
 * have completed inside the window. Only requests that both started and completed inside the window
 * count; requests still in flight when it closes are awaited but not counted.
 *
 * <p>Throughput comes with an interval from batch means: the window is cut into {@value
 * #SUB_WINDOWS} equal parts, and the mean of their rates gets a Student-t 95% interval.
 *
 * <pre>{@code
 * ClosedLoopLoad.Result r = ClosedLoopLoad.builder().setClients(4).optWarmup(1)
 *         .optMinDuration(Duration.ofSeconds(20)).optMinCompletions(10)
 *         .build().run(client -> () -> stub.call());
 * System.out.println(r.throughput() + " " + Arrays.toString(r.throughputInterval()));
 * }</pre>
 */
public final class ClosedLoopLoad {

    /** Sub-windows of the batch-means interval. */
    public static final int SUB_WINDOWS = 5;

    /** Student t, 97.5% quantile, SUB_WINDOWS - 1 degrees of freedom. */
    private static final double T_975 = 2.776;

    /**
     * One request; returns counters of its own (bytes, batch size, ...), summed over the window.
     */
    @FunctionalInterface
    public interface Call {
        long[] call() throws Exception;
    }

    private final int clients;
    private final int warmup;
    private final long minNanos;
    private final int minCompletions;
    private final long maxNanos;
    private final LongSupplier clock;

    private ClosedLoopLoad(Builder b) {
        this.clients = b.clients;
        this.warmup = b.warmup;
        this.minNanos = b.minDuration.toNanos();
        this.minCompletions = b.minCompletions;
        this.maxNanos = b.maxDuration == null ? Long.MAX_VALUE : b.maxDuration.toNanos();
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What one level measured. */
    public record Result(
            int clients,
            int completed,
            double windowSeconds,
            double[] completionSeconds,
            double[] latenciesMs,
            long[] counters,
            boolean cutShort) {

        /** Completed requests per second inside the window. */
        public double throughput() {
            return windowSeconds > 0 ? completed / windowSeconds : Double.NaN;
        }

        /**
         * About 95% interval of the throughput (batch means over {@value #SUB_WINDOWS}
         * sub-windows).
         */
        public double[] throughputInterval() {
            if (completed == 0 || windowSeconds <= 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double part = windowSeconds / SUB_WINDOWS;
            double[] rate = new double[SUB_WINDOWS];
            for (double t : completionSeconds) {
                rate[Math.min(SUB_WINDOWS - 1, (int) (t / part))] += 1 / part;
            }
            double mean = 0;
            for (double r : rate) {
                mean += r / SUB_WINDOWS;
            }
            double var = 0;
            for (double r : rate) {
                var += (r - mean) * (r - mean) / (SUB_WINDOWS - 1);
            }
            double half = T_975 * Math.sqrt(var / SUB_WINDOWS);
            return new double[] {Math.max(0, mean - half), mean + half};
        }

        /** Latencies of the counted requests, in milliseconds. */
        public Samples latency() {
            return Samples.of(latenciesMs);
        }

        /** The {@code p}-th percentile latency (nearest rank), ms; NaN when nothing completed. */
        public double percentileMs(double p) {
            double[] s = latenciesMs.clone();
            java.util.Arrays.sort(s);
            if (s.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, i))];
        }

        /** Counter {@code i} summed over the counted requests. */
        public long counter(int i) {
            return i < counters.length ? counters[i] : 0;
        }
    }

    /**
     * Runs the level. {@code callFor} gives each client (0-based) its call; the first failing call
     * stops the level and is rethrown.
     */
    public Result run(IntFunction<Call> callFor) throws Exception {
        Object lock = new Object();
        long[] window = new long[2];
        boolean[] closed = new boolean[1];
        List<Double> completions = new ArrayList<>();
        List<Double> latencies = new ArrayList<>();
        List<long[]> counters = new ArrayList<>();
        List<Exception> errors = new ArrayList<>();
        boolean[] cutShort = new boolean[1];
        CyclicBarrier go = new CyclicBarrier(clients, () -> window[0] = clock.getAsLong());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Call call = callFor.apply(c);
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    for (int w = 0; w < warmup; w++) {
                                        call.call();
                                    }
                                    go.await();
                                    long start =
                                            window[0]; // written by the barrier action before any
                                    // thread is released
                                    while (true) {
                                        synchronized (lock) {
                                            if (closed[0]) {
                                                return;
                                            }
                                        }
                                        long t0 = clock.getAsLong();
                                        long[] r = call.call();
                                        long t1 = clock.getAsLong();
                                        synchronized (lock) {
                                            if (closed[0]) {
                                                return;
                                            }
                                            completions.add((t1 - start) / 1e9);
                                            latencies.add((t1 - t0) / 1e6);
                                            counters.add(r == null ? new long[0] : r);
                                            long elapsed = t1 - start;
                                            if (elapsed >= minNanos
                                                            && completions.size() >= minCompletions
                                                    || elapsed >= maxNanos) {
                                                closed[0] = true;
                                                cutShort[0] =
                                                        completions.size() < minCompletions
                                                                || elapsed < minNanos;
                                                window[1] = t1;
                                            }
                                        }
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (BrokenBarrierException e) {
                                    return;
                                } catch (Exception e) {
                                    synchronized (lock) {
                                        errors.add(e);
                                        closed[0] = true;
                                    }
                                    go.reset();
                                }
                            },
                            "load-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        double[] comp = completions.stream().mapToDouble(Double::doubleValue).toArray();
        double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        int width = counters.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] sums = new long[width];
        for (long[] a : counters) {
            for (int i = 0; i < a.length; i++) {
                sums[i] += a[i];
            }
        }
        return new Result(
                clients, comp.length, (window[1] - window[0]) / 1e9, comp, lat, sums, cutShort[0]);
    }

    /** Settings of a level; {@link #setClients} is required. */
    public static final class Builder {
        private int clients;
        private int warmup = 1;
        private Duration minDuration = Duration.ofSeconds(20);
        private int minCompletions = 10;
        private Duration maxDuration;
        private LongSupplier clock = System::nanoTime;

        public Builder setClients(int n) {
            this.clients = n;
            return this;
        }

        /** Unmeasured calls per client before the window opens (default 1). */
        public Builder optWarmup(int n) {
            this.warmup = n;
            return this;
        }

        /** The window lasts at least this long (default 20 s). */
        public Builder optMinDuration(Duration d) {
            this.minDuration = d;
            return this;
        }

        /** The window holds at least this many completions (default 10). */
        public Builder optMinCompletions(int n) {
            this.minCompletions = n;
            return this;
        }

        /**
         * The window closes at the first completion after this long even if short of completions.
         */
        public Builder optMaxDuration(Duration d) {
            this.maxDuration = d;
            return this;
        }

        /** The clock, in nanoseconds (default {@link System#nanoTime()}). */
        public Builder optClock(LongSupplier c) {
            this.clock = c;
            return this;
        }

        public ClosedLoopLoad build() {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be at least 1, got " + clients);
            }
            if (warmup < 0 || minCompletions < 1 || minDuration.isNegative()) {
                throw new IllegalArgumentException(
                        "warm-up >= 0, min completions >= 1 and a non-negative duration expected");
            }
            return new ClosedLoopLoad(this);
        }
    }
}
