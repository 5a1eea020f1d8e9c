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
    void run_returnsOnlyWhenTasksOnHelpersAreDone() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicIntegerArray runs = new AtomicIntegerArray(30);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<GateThreads.Task> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int id = i;
            boolean blocks = i < 10;
            tasks.add(
                    new GateThreads.Task(
                            blocks ? 100 + id : id,
                            () -> {
                                threads.add(Thread.currentThread());
                                if (blocks) {
                                    try {
                                        release.await();
                                    } catch (InterruptedException e) {
                                        throw new IllegalStateException(e);
                                    }
                                }
                                runs.incrementAndGet(id);
                            }));
        }
        // the largest tasks wait, on a helper and on this thread, until they are released from
        // elsewhere
        Thread releaser =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            release.countDown();
                        });
        releaser.start();
        GateThreads.run(tasks, 2);
        // run returned, so every task had finished: the waiting ones only after the release
        for (int i = 0; i < 30; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertEquals(0, release.getCount());
        assertTrue(threads.size() <= 2, "one helper and this thread at most: " + threads);
        releaser.join();
    }

    @Test
    void run_runsEveryTaskOnceOnAtMostTheGivenThreads() {
        int n = 200;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<GateThreads.Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            tasks.add(
                    new GateThreads.Task(
                            1 + i % 7,
                            () -> {
                                runs.incrementAndGet(id);
                                threads.add(Thread.currentThread());
                            }));
        }
        GateThreads.run(tasks, 3);
        for (int i = 0; i < n; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertTrue(threads.size() <= 3, "this thread and two helpers at most: " + threads);

        threads.clear();
        GateThreads.run(tasks, 1);
        assertEquals(Set.of(Thread.currentThread()), threads, "one thread: nothing is handed off");
    }

    @Test
    void run_rethrowsAFailureAfterTheOtherTasksFinish() {
        AtomicIntegerArray done = new AtomicIntegerArray(1);
        IllegalStateException boom = new IllegalStateException("boom");
        List<GateThreads.Task> tasks =
                List.of(
                        new GateThreads.Task(
                                10,
                                () -> {
                                    throw boom;
                                }),
                        new GateThreads.Task(9, () -> done.incrementAndGet(0)),
                        new GateThreads.Task(1, () -> done.incrementAndGet(0)));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> GateThreads.run(tasks, 2));
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
            tasks.add(
                    new GateThreads.Task(
                            h * w,
                            () -> {
                                float[] m = in[id].clone();
                                LateralInhibition.l2NormalizeInPlace(m);
                                LateralInhibition.inhibition(m, h, w, 7, 0.5f, 0.5f, li[id]);
                            }));
        }
        GateThreads.run(tasks, threads);
        return li;
    }
}
