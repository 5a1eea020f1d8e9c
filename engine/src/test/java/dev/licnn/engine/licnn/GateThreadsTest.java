package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Splitting the gates over threads: every task runs once, parts are balanced, failures surface. */
class GateThreadsTest {

    @Test
    void balance_givesEachTaskToTheLightestPart() {
        List<GateThreads.Task> tasks = new ArrayList<>();
        long[] costs = {50, 50, 12, 12, 3, 3, 1, 1, 1};
        List<Runnable> works = new ArrayList<>();
        for (long c : costs) {
            Runnable r = new Runnable() { // a distinct object per task
                @Override
                public void run() {}
            };
            works.add(r);
            tasks.add(new GateThreads.Task(c, r));
        }
        List<List<Runnable>> parts = GateThreads.balance(tasks, 2);
        assertEquals(2, parts.size());
        long[] load = new long[2];
        int total = 0;
        for (int p = 0; p < 2; p++) {
            for (Runnable r : parts.get(p)) {
                load[p] += costs[works.indexOf(r)];
            }
            total += parts.get(p).size();
        }
        assertEquals(costs.length, total);
        assertEquals(67, load[0]);
        assertEquals(66, load[1]);
    }

    @Test
    void run_runsEveryTaskOnceOnAtMostTheGivenThreads() {
        int n = 200;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<GateThreads.Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            tasks.add(new GateThreads.Task(1 + i % 7, () -> {
                runs.incrementAndGet(id);
                threads.add(Thread.currentThread());
            }));
        }
        GateThreads.run(tasks, 3);
        for (int i = 0; i < n; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertTrue(threads.size() <= 3 && threads.contains(Thread.currentThread()), threads.toString());

        threads.clear();
        GateThreads.run(tasks, 1);
        assertEquals(Set.of(Thread.currentThread()), threads, "one thread: nothing is handed off");
    }

    @Test
    void run_rethrowsAFailureAfterTheOtherTasksFinish() {
        AtomicIntegerArray done = new AtomicIntegerArray(1);
        IllegalStateException boom = new IllegalStateException("boom");
        List<GateThreads.Task> tasks = List.of(
                new GateThreads.Task(10, () -> { throw boom; }),
                new GateThreads.Task(9, () -> done.incrementAndGet(0)),
                new GateThreads.Task(1, () -> done.incrementAndGet(0)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GateThreads.run(tasks, 2));
        assertSame(boom, e);
        assertEquals(2, done.get(0));
    }

    @Test
    void gatesOnSeveralThreads_equalTheGatesOnOne() {
        Random rnd = new Random(3);
        int maps = 12;
        int h = 37;
        int w = 41;
        float[][] in = new float[maps][h * w];
        for (float[] m : in) {
            for (int i = 0; i < m.length; i++) {
                m[i] = Math.max(0f, (float) rnd.nextGaussian());
            }
        }
        float[][] one = gates(in, h, w, 1);
        float[][] three = gates(in, h, w, 3);
        for (int i = 0; i < maps; i++) {
            assertArrayEquals(one[i], three[i], 0f, "map " + i);
        }
    }

    private static float[][] gates(float[][] in, int h, int w, int threads) {
        float[][] li = new float[in.length][h * w];
        List<GateThreads.Task> tasks = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            int id = i;
            tasks.add(new GateThreads.Task(h * w, () -> {
                float[] m = in[id].clone();
                LateralInhibition.l2NormalizeInPlace(m);
                LateralInhibition.inhibition(m, h, w, 7, 0.5f, 0.5f, li[id]);
            }));
        }
        GateThreads.run(tasks, threads);
        return li;
    }
}
