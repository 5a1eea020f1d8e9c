package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.proto.v1.ExplainRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelinedRunnerTest {
    private final InProcessFixture fixture = new InProcessFixture();
    private final FakeLicnnService fake = new FakeLicnnService();
    private LicnnClient client;

    @BeforeEach
    void setUp() throws Exception {
        client = fixture.client(fixture.start(fake));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private static List<ExplainRequest> requests(int n, int... missingAt) {
        List<ExplainRequest> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ExplainRequest.Builder b =
                    Requests.explain(Requests.image(new byte[] {(byte) i})).setTopK(1);
            for (int m : missingAt) {
                if (m == i) {
                    b.setModel(FakeLicnnService.MISSING_MODEL);
                }
            }
            list.add(b.build());
        }
        return list;
    }

    /** Results by index; fails the test if one index is delivered twice. */
    private static final class Results {
        final Map<Long, RequestResult> byIndex = new ConcurrentHashMap<>();
        final List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());

        void accept(RequestResult r) {
            if (byIndex.putIfAbsent(r.index(), r) != null) {
                duplicates.add(r.index());
            }
        }
    }

    @Test
    void keepsAtMostMaxInFlight_andDeliversEveryResultOnce() {
        fake.holdUntilOpen = 3; // the fake answers only when 3 requests are open
        Results results = new Results();

        RunSummary summary = new PipelinedRunner(client, 3).run(requests(10), results::accept);

        assertEquals(3, fake.maxOpen.get());
        assertEquals(10, summary.total());
        assertEquals(10, summary.succeeded());
        assertEquals(0, summary.failed());
        assertEquals(10, results.byIndex.size());
        assertTrue(results.duplicates.isEmpty());
        RequestResult r7 = results.byIndex.get(7L);
        assertEquals("7", r7.requestId());
        assertEquals(7, r7.request().getImage().getEncoded().byteAt(0));
        assertEquals("7", r7.outcome().requestId());
        assertNotNull(r7.outcome().saliency());
    }

    @Test
    void perRequestFailures_areDeliveredAndTheStreamGoesOn() {
        Results results = new Results();

        RunSummary summary = new PipelinedRunner(client, 4).run(requests(9, 2, 5), results::accept);

        assertEquals(7, summary.succeeded());
        assertEquals(2, summary.failed());
        assertEquals(9, results.byIndex.size());
        RequestResult failed = results.byIndex.get(5L);
        assertFalse(failed.isOk());
        assertNull(failed.outcome());
        assertEquals(Status.Code.NOT_FOUND, failed.status().getCode());
        assertEquals("unknown model", failed.status().getDescription());
        assertTrue(results.byIndex.get(4L).isOk());
        assertEquals(1, fake.streamCalls.get());
    }

    @Test
    void unavailableStream_resendsUnfinishedRequestsOnANewStream() {
        fake.holdUntilOpen = 4;
        fake.streamsToBreak.set(1); // first stream: answers request 0, then UNAVAILABLE
        Results results = new Results();

        RunSummary summary = new PipelinedRunner(client, 4).run(requests(10), results::accept);

        assertEquals(2, fake.streamCalls.get());
        assertEquals(1, summary.streamRestarts());
        assertEquals(3, summary.resent());
        assertEquals(10, summary.succeeded());
        assertEquals(10, results.byIndex.size());
        assertTrue(results.duplicates.isEmpty());
        assertTrue(fake.maxOpen.get() <= 4);
        // ids 1..3 were sent on both streams, id 0 once
        Map<String, Integer> sent = new TreeMap<>();
        fake.receivedIds.forEach(id -> sent.merge(id, 1, Integer::sum));
        assertEquals(1, sent.get("0"));
        assertEquals(2, sent.get("1"));
        assertEquals(2, sent.get("3"));
        assertEquals(1, sent.get("4"));
    }

    @Test
    void restartsExhausted_failEveryRemainingRequestOnce() {
        fake.holdUntilOpen = 2;
        fake.streamsToBreak.set(5);
        Results results = new Results();

        RunSummary summary = new PipelinedRunner(client, 2, 1).run(requests(6), results::accept);

        assertEquals(2, fake.streamCalls.get());
        assertEquals(6, summary.total());
        assertEquals(2, summary.succeeded()); // one per stream
        assertEquals(4, summary.failed());
        assertEquals(6, results.byIndex.size());
        assertTrue(results.duplicates.isEmpty());
        assertEquals(Status.Code.UNAVAILABLE, results.byIndex.get(5L).status().getCode());
    }

    @Test
    void failingInput_abortsTheRunAfterDeliveringWhatWasTaken() {
        Iterator<ExplainRequest> source = requests(2).iterator();
        Iterator<ExplainRequest> failing =
                new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public ExplainRequest next() {
                        if (!source.hasNext()) {
                            throw new IllegalStateException("cannot read image 2");
                        }
                        return source.next();
                    }
                };
        Results results = new Results();

        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> new PipelinedRunner(client, 4).run(failing, results::accept));

        assertEquals("cannot read image 2", e.getMessage());
        assertEquals(Set.of(0L, 1L), results.byIndex.keySet());
        assertTrue(results.duplicates.isEmpty());
    }

    @Test
    void emptyInput_finishesAtOnce() {
        RunSummary summary =
                new PipelinedRunner(client, 2)
                        .run(
                                List.of(),
                                r -> {
                                    throw new AssertionError("no result expected");
                                });
        assertEquals(0, summary.total());
        assertEquals(0, summary.resent());
    }
}
