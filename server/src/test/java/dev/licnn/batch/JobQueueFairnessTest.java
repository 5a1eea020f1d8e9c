package dev.licnn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clients take turns in the job queue, and one client's burst cannot fill it for the others. */
class JobQueueFairnessTest {

    private static final Ticker STILL = () -> 0L;

    private static Job<String, String> job(String client, String name) {
        Job<String, String> j = Job.<String, String>builder(name, name).optClient(client).build();
        j.markSubmitted(0);
        return j;
    }

    /** Takes single-job batches until the queue is empty; returns the inputs in service order. */
    private static List<String> drain(JobQueue<String, String> q) throws InterruptedException {
        List<String> order = new ArrayList<>();
        while (q.size() > 0) {
            for (Job<String, String> j : q.nextBatch(1, 0)) {
                order.add(j.input());
            }
        }
        return order;
    }

    @Test
    void burstFromOneClient_secondClientIsServedAfterAtMostOneOtherJob()
            throws InterruptedException {
        JobQueue<String, String> q = new JobQueue<>(64, STILL);
        for (int i = 0; i < 30; i++) {
            q.offer(job("a", "a" + i));
        }
        q.offer(job("b", "b0"));
        q.offer(job("b", "b1"));
        List<String> order = drain(q);
        assertEquals(32, order.size());
        // b's first job waits behind one of a's 30, not all of them; its second one more.
        assertTrue(order.indexOf("b0") <= 1, order.toString());
        assertTrue(order.indexOf("b1") <= 3, order.toString());
        // each client's own jobs keep their order
        List<String> a = order.stream().filter(s -> s.startsWith("a")).toList();
        for (int i = 0; i < a.size(); i++) {
            assertEquals("a" + i, a.get(i));
        }
    }

    @Test
    void threeClients_areServedInTurn() throws InterruptedException {
        JobQueue<String, String> q = new JobQueue<>(64, STILL);
        for (int i = 0; i < 3; i++) {
            q.offer(job("a", "a" + i));
        }
        q.offer(job("b", "b0"));
        q.offer(job("c", "c0"));
        assertEquals(List.of("a0", "b0", "c0", "a1", "a2"), drain(q));
    }

    @Test
    void perClientCap_refusesTheBurstingClientOnly() {
        JobQueue<String, String> q = new JobQueue<>(8, 4, STILL);
        for (int i = 0; i < 4; i++) {
            q.offer(job("a", "a" + i));
        }
        QueueFullException e =
                assertThrows(QueueFullException.class, () -> q.offer(job("a", "a4")));
        assertTrue(e.getMessage().contains("per-client"), e.getMessage());
        for (int i = 0; i < 4; i++) {
            q.offer(job("b", "b" + i));
        }
        // the queue itself is now full, for everyone
        QueueFullException full =
                assertThrows(QueueFullException.class, () -> q.offer(job("c", "c0")));
        assertEquals(8, full.limit());
    }

    @Test
    void removedAndBatchedJobs_giveBackTheirClientsPlaces() throws InterruptedException {
        JobQueue<String, String> q = new JobQueue<>(8, 2, STILL);
        Job<String, String> a0 = job("a", "a0");
        q.offer(a0);
        q.offer(job("a", "a1"));
        assertTrue(q.remove(a0));
        q.offer(job("a", "a2")); // a has one place back
        assertEquals(List.of("a1", "a2"), drain(q));
        q.offer(job("a", "a3"));
        q.offer(job("a", "a4"));
        assertEquals(2, q.drainAll().size());
        q.offer(job("a", "a5"));
        q.offer(job("a", "a6"));
        assertEquals(List.of("a5", "a6"), drain(q));
    }
}
