package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.MapKind;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A draining server (rolling update, scale-in) ends an open ExplainStream with UNAVAILABLE when a
 * request arrives that its worker pool no longer takes, instead of failing that request alone: the
 * client's {@code PipelinedRunner} then sends the unfinished requests again on a new stream, which
 * round-robin puts on another replica, and no request fails.
 */
class DrainStreamTest {

    private static final float[] IMG = TestServer.goldenInput(1);

    @Test
    void requestDuringDrain_endsTheStreamWithUnavailable_notAFailedRequest() throws Exception {
        TestServer ts = new TestServer(b -> b.optGrace(Duration.ofSeconds(120)));
        Thread closer = new Thread(ts.server::close);
        try {
            List<ExplainStreamEvent> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Status> end = new CompletableFuture<>();
            StreamObserver<ExplainStreamRequest> requests =
                    ts.async.explainStream(
                            new StreamObserver<>() {
                                @Override
                                public void onNext(ExplainStreamEvent e) {
                                    events.add(e);
                                }

                                @Override
                                public void onError(Throwable t) {
                                    end.complete(Status.fromThrowable(t));
                                }

                                @Override
                                public void onCompleted() {
                                    end.complete(Status.OK);
                                }
                            });
            requests.onNext(
                    ExplainStreamRequest.newBuilder()
                            .setRequestId("a")
                            .setRequest(heavy())
                            .build());
            await(
                    "request a in flight",
                    () -> ts.server.pool().inFlight() == 1 || !events.isEmpty());
            closer.start();
            await("the pool to stop taking work", () -> ts.server.pool().isShutdown());
            requests.onNext(
                    ExplainStreamRequest.newBuilder()
                            .setRequestId("b")
                            .setRequest(light())
                            .build());

            await(
                    "the stream to end or a request to fail",
                    () -> end.isDone() || events.stream().anyMatch(ExplainStreamEvent::hasFailed));
            assertTrue(
                    events.stream().noneMatch(ExplainStreamEvent::hasFailed),
                    "a request failed alone instead of the stream ending: "
                            + events.stream()
                                    .filter(ExplainStreamEvent::hasFailed)
                                    .map(ExplainStreamEvent::getRequestId)
                                    .toList());
            Status status = end.get(60, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAVAILABLE, status.getCode(), "stream end: " + status);
        } finally {
            closer.join(60_000); // returns at once when it never started
            ts.close();
        }
        assertFalse(closer.isAlive(), "server close did not finish");
    }

    private static ExplainRequest heavy() {
        ExplainRequest.Builder b =
                ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(10);
        for (MapKind k :
                new MapKind[] {
                    MapKind.MAP_KIND_GRADIENT_MAX_C,
                    MapKind.MAP_KIND_INHIBITION,
                    MapKind.MAP_KIND_SUPPRESSION_MASK,
                    MapKind.MAP_KIND_RESPONSE_BEFORE,
                    MapKind.MAP_KIND_RESPONSE_AFTER
                }) {
            b.addLayerMapKinds(k);
        }
        return b.build();
    }

    private static ExplainRequest light() {
        return ExplainRequest.newBuilder().setImage(TestServer.tensor(IMG)).setTopK(1).build();
    }

    /** Waits for a state (checked every few ms; the bound only stops a broken run). */
    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
