package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.client.DecodedMap;
import dev.licnn.client.EventStream;
import dev.licnn.client.ExplainListener;
import dev.licnn.client.ExplainOutcome;
import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.client.RunSummary;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.SaliencyMap;
import dev.licnn.server.BundledModels;
import dev.licnn.server.HeldWorkers;
import dev.licnn.server.LicnnServer;
import dev.licnn.server.ServedModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client library against the real server (in-process transport, real stubs). */
class ClientServerTest {

    private static LicnnServer server;
    private static ManagedChannel channel;
    private static LicnnClient client;

    @BeforeAll
    static void start() throws Exception {
        server =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(BundledModels.randomNarrow())))
                        .optWarmUp(false)
                        .optMaxBatchSize(4)
                        .build();
        String name = InProcessServerBuilder.generateName();
        server.start(InProcessServerBuilder.forName(name));
        channel = InProcessChannelBuilder.forName(name).build();
        client = LicnnClient.create(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static ExplainRequest request(long seed) {
        float[] x = new float[3 * 224 * 224];
        Random r = new Random(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Requests.explain(Requests.tensor(x, 224, 224))
                .setTopK(2)
                .addLayerMapKinds(MapKind.MAP_KIND_SUPPRESSION_MASK)
                .addLayerIndices(12)
                .build();
    }

    @Test
    void threeCallStyles_returnTheSameMaps() throws Exception {
        ExplainRequest req = request(1);
        ExplainOutcome viaIterator;
        try (EventStream s = client.explainEvents(req)) {
            viaIterator = ExplainOutcome.collect(s);
        }
        ExplainOutcome viaFuture = client.explainAsync(req).get(60, TimeUnit.SECONDS);
        CompletableFuture<float[]> saliency = new CompletableFuture<>();
        List<Integer> attention = Collections.synchronizedList(new ArrayList<>());
        client.explain(
                req,
                new ExplainListener() {
                    @Override
                    public void onAttention(AttentionMap a) {
                        attention.add(a.getTargetIndex());
                    }

                    @Override
                    public void onSaliency(SaliencyMap s) {
                        saliency.complete(DecodedMap.decode(s.getMap()).values());
                    }

                    @Override
                    public void onError(Status status) {
                        saliency.completeExceptionally(status.asRuntimeException());
                    }
                });
        float[] viaListener = saliency.get(60, TimeUnit.SECONDS);
        assertArrayEquals(viaIterator.saliency().values(), viaFuture.saliency().values());
        assertArrayEquals(viaIterator.saliency().values(), viaListener);
        assertEquals(List.of(0, 1), attention);
        assertEquals(2, viaFuture.layerMaps().size());
        assertEquals(14, viaFuture.layerMap(1, 12, MapKind.MAP_KIND_SUPPRESSION_MASK).height());
    }

    @Test
    void pipelinedRunner_returnsEveryResultOnce_andBatchesOnTheServer() throws Exception {
        List<ExplainRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reqs.add(request(100 + i));
        }
        reqs.set(3, reqs.get(3).toBuilder().setTopK(50).build());
        // A server of its own whose worker holds its first batch until the server holds three of
        // the runner's requests (in that batch or queued behind it; the runner keeps four in
        // flight, and the invalid one never reaches the queue): either the first batch has several
        // or the next one takes at least two, whatever the machine's speed.
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        LicnnServer own =
                HeldWorkers.until(
                                open,
                                held,
                                LicnnServer.builder()
                                        .setModels(
                                                new ServedModels(
                                                        List.of(BundledModels.randomNarrow())))
                                        .optWarmUp(false)
                                        .optMaxBatchSize(4))
                        .build();
        String name = InProcessServerBuilder.generateName();
        own.start(InProcessServerBuilder.forName(name));
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try (LicnnClient c = LicnnClient.create(ch)) {
            List<RequestResult> results = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<RunSummary> run =
                    CompletableFuture.supplyAsync(
                            () -> new PipelinedRunner(c, 4).run(reqs, results::add));
            long end =
                    System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // a guard against a hang only
            while (held.get() == 0 || own.pool().inFlight() + own.pool().queueDepth() < 3) {
                assertTrue(System.nanoTime() < end, "the server never held three requests at once");
                Thread.sleep(5);
            }
            open.countDown();
            RunSummary sum = run.get(2, TimeUnit.MINUTES);
            assertEquals(8, sum.total());
            assertEquals(7, sum.succeeded());
            assertEquals(1, sum.failed());
            assertEquals(8, results.stream().mapToLong(RequestResult::index).distinct().count());
            RequestResult bad =
                    results.stream().filter(r -> r.index() == 3).findFirst().orElseThrow();
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.status().getCode());
            assertTrue(
                    own.metrics().maxBatchSize() > 1, "requests in flight together were batched");
        } finally {
            open.countDown();
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            own.close();
        }
    }
}
