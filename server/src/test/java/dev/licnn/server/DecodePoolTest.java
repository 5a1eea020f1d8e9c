package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ListModelsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request images are decoded on a bounded pool of their own: other calls are answered while it is
 * busy, a request whose client has gone while it waited for a decode thread is never decoded, and a
 * full decode queue refuses with RESOURCE_EXHAUSTED.
 */
class DecodePoolTest {

    private static final ImageInput PNG =
            ImageInput.newBuilder().setEncoded(ByteString.copyFrom(Images.png(32, 32))).build();

    /** Holds every decode thread (one here) until {@link #release}. */
    private static CountDownLatch holdDecodePool(TestServer ts) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        ts.server
                .threads()
                .decode()
                .execute(
                        () -> {
                            held.countDown();
                            try {
                                release.await(2, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        assertTrue(held.await(30, TimeUnit.SECONDS));
        return release;
    }

    private static double calls(TestServer ts, String rpc) {
        double n = 0;
        for (Status.Code c : Status.Code.values()) {
            n += ts.server.metrics().requestCount(rpc, c.name());
        }
        return n;
    }

    @Test
    void requestsWhoseDeadlinePassedWhileWaitingForADecodeThread_areNeverDecoded()
            throws Exception {
        try (TestServer ts = new TestServer(b -> b.optRpcThreads(1))) {
            CountDownLatch release = holdDecodePool(ts);
            try {
                StatusRuntimeException classify =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        ts.blocking
                                                .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                                                .classify(
                                                        ClassifyRequest.newBuilder()
                                                                .addImages(PNG)
                                                                .addImages(PNG)
                                                                .build()));
                assertEquals(Status.Code.DEADLINE_EXCEEDED, classify.getStatus().getCode());
                StatusRuntimeException explain =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        FaultContractTest.drain(
                                                ts.blocking
                                                        .withDeadlineAfter(
                                                                300, TimeUnit.MILLISECONDS)
                                                        .explain(
                                                                ExplainRequest.newBuilder()
                                                                        .setImage(PNG)
                                                                        .setTopK(1)
                                                                        .build())));
                assertEquals(Status.Code.DEADLINE_EXCEEDED, explain.getStatus().getCode());
                // The one RPC thread is free: calls that decode nothing are answered meanwhile.
                assertEquals(
                        1,
                        ts.blocking
                                .withDeadlineAfter(30, TimeUnit.SECONDS)
                                .listModels(ListModelsRequest.getDefaultInstance())
                                .getModelsCount());
            } finally {
                release.countDown();
            }
            FaultContractTest.await(
                    "both abandoned calls to end",
                    WorkerGate.HANG_GUARD,
                    () -> calls(ts, "Classify") >= 1 && calls(ts, "Explain") >= 1);
            assertEquals(0, ts.server.metrics().imagesDecodedCount(), "nothing was decoded");
            // Once the pool is free, images are decoded and served again.
            assertTrue(
                    ts.blocking
                            .classify(ClassifyRequest.newBuilder().addImages(PNG).build())
                            .getResults(0)
                            .hasClassification());
            assertEquals(1, ts.server.metrics().imagesDecodedCount());
        }
    }

    @Test
    void fullDecodeQueue_refusesWithResourceExhausted_andTheServerServesOn() throws Exception {
        try (TestServer ts = new TestServer(b -> b.optRpcThreads(1).optRpcQueueSize(1))) {
            CountDownLatch release = holdDecodePool(ts);
            try {
                ts.server.threads().decode().execute(() -> {}); // the queue's one place
                StatusRuntimeException e =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        ts.blocking.classify(
                                                ClassifyRequest.newBuilder()
                                                        .addImages(PNG)
                                                        .build()));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
                assertTrue(
                        e.getStatus().getDescription().contains("decoding queue is full"),
                        e.getStatus().getDescription());
            } finally {
                release.countDown();
            }
            // The pool takes the queued task after the held one ends: wait until it takes new
            // work and has run it, so the queue's place is free again.
            CountDownLatch drained = new CountDownLatch(1);
            FaultContractTest.await(
                    "the decode pool to take work again",
                    WorkerGate.HANG_GUARD,
                    () -> {
                        try {
                            ts.server.threads().decode().execute(drained::countDown);
                            return true;
                        } catch (RejectedExecutionException busy) {
                            return false;
                        }
                    });
            assertTrue(drained.await(60, TimeUnit.SECONDS), "the decode pool ran the probe");
            assertTrue(
                    ts.blocking
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .classify(ClassifyRequest.newBuilder().addImages(PNG).build())
                            .getResults(0)
                            .hasClassification());
        }
    }
}
