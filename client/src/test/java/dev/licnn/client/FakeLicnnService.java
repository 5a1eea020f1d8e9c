package dev.licnn.client;

import com.google.protobuf.Duration;
import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.Classification;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ClassifyResult;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.Failed;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.LayerMap;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import dev.licnn.proto.v1.ListModelsResponse;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ModelSummary;
import dev.licnn.proto.v1.Prediction;
import dev.licnn.proto.v1.SaliencyMap;
import dev.licnn.proto.v1.TargetRanking;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the LICNN service. Explain sends accepted, prediction, per target one
 * layer map and one attention map, the saliency map, the inhibited ranking and completed, with real
 * float32 MapData. Knobs make it fail, hang, or hold ExplainStream requests.
 */
final class FakeLicnnService extends LicnnServiceGrpc.LicnnServiceImplBase {
    /** Model name that makes a request fail with NOT_FOUND. */
    static final String MISSING_MODEL = "missing";

    /** Fail Explain immediately with this status, if set. */
    volatile Status explainFailure;

    /** Fail this many upcoming unary calls (and Explain calls) with UNAVAILABLE. */
    final AtomicInteger unavailableBudget = new AtomicInteger();

    /** Explain sends accepted, then waits until cancelled. */
    volatile boolean hangAfterAccepted;

    /** Completed when a hanging Explain call is cancelled by the client. */
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    /** Completed when a hanging Explain call has sent accepted. */
    final CompletableFuture<Void> hanging = new CompletableFuture<>();

    /**
     * ExplainStream answers nothing until this many requests are open (or the client half-closes).
     */
    volatile int holdUntilOpen;

    /** This many upcoming ExplainStream calls answer one request, then fail with UNAVAILABLE. */
    final AtomicInteger streamsToBreak = new AtomicInteger();

    final AtomicInteger explainCalls = new AtomicInteger();
    final AtomicInteger unaryCalls = new AtomicInteger();
    final AtomicInteger streamCalls = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    final ConcurrentLinkedQueue<String> receivedIds = new ConcurrentLinkedQueue<>();

    /** The events Explain sends for {@code request}. */
    static List<ExplainEvent> script(ExplainRequest request, String requestId) {
        int targets = request.getTopK() > 0 ? request.getTopK() : 2;
        List<ExplainEvent> events = new ArrayList<>();
        events.add(
                ExplainEvent.newBuilder()
                        .setAccepted(
                                Accepted.newBuilder()
                                        .setRequestId(requestId)
                                        .setNumTargets(targets)
                                        .setExpectedLayerMaps(targets)
                                        .setModel(ModelSummary.newBuilder().setName("fake-vgg")))
                        .build());
        Prediction.Builder prediction = Prediction.newBuilder();
        for (int t = 0; t < targets; t++) {
            ClassScore score =
                    ClassScore.newBuilder()
                            .setClassId(100 + t)
                            .setRank(t + 1)
                            .setProbability(0.5f / (t + 1))
                            .setLabel("class-" + (100 + t))
                            .build();
            prediction.addTopClasses(score).addTargets(score);
        }
        events.add(ExplainEvent.newBuilder().setPrediction(prediction).build());
        for (int t = 0; t < targets; t++) {
            events.add(
                    ExplainEvent.newBuilder()
                            .setLayerMap(
                                    LayerMap.newBuilder()
                                            .setClassId(100 + t)
                                            .setTargetIndex(t)
                                            .setLayerIndex(3)
                                            .setLayerName("relu2_2")
                                            .setKind(MapKind.MAP_KIND_SUPPRESSION_MASK)
                                            .setMap(TestMaps.pattern(4, 4, -t)))
                            .build());
            events.add(
                    ExplainEvent.newBuilder()
                            .setAttentionMap(
                                    AttentionMap.newBuilder()
                                            .setClassId(100 + t)
                                            .setTargetIndex(t)
                                            .setLabel("class-" + (100 + t))
                                            .setMap(TestMaps.pattern(8, 8, t)))
                            .build());
        }
        events.add(
                ExplainEvent.newBuilder()
                        .setSaliencyMap(
                                SaliencyMap.newBuilder()
                                        .addClassIds(100)
                                        .setMap(TestMaps.pattern(8, 8, 0.25f)))
                        .build());
        InhibitedRanking.Builder ranking = InhibitedRanking.newBuilder();
        for (int t = 0; t < targets; t++) {
            ranking.addRankings(TargetRanking.newBuilder().setClassId(100 + t).setTargetIndex(t));
        }
        events.add(ExplainEvent.newBuilder().setInhibitedRanking(ranking).build());
        events.add(
                ExplainEvent.newBuilder()
                        .setCompleted(
                                Completed.newBuilder()
                                        .setWorker("fake-0")
                                        .setDevice("cpu")
                                        .setBatchSize(1)
                                        .setTotalTime(Duration.newBuilder().setNanos(3_000_000)))
                        .build());
        return events;
    }

    private boolean failUnavailable(StreamObserver<?> out) {
        if (unavailableBudget.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            out.onError(
                    Status.UNAVAILABLE.withDescription("fake is warming up").asRuntimeException());
            return true;
        }
        return false;
    }

    @Override
    public void explain(ExplainRequest request, StreamObserver<ExplainEvent> out) {
        explainCalls.incrementAndGet();
        if (failUnavailable(out)) {
            return;
        }
        if (explainFailure != null) {
            out.onError(explainFailure.asRuntimeException());
            return;
        }
        List<ExplainEvent> events = script(request, "srv-" + explainCalls.get());
        if (hangAfterAccepted) {
            ((ServerCallStreamObserver<ExplainEvent>) out)
                    .setOnCancelHandler(() -> cancelled.complete(null));
            out.onNext(events.get(0));
            hanging.complete(null);
            return;
        }
        events.forEach(out::onNext);
        out.onCompleted();
    }

    @Override
    public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> out) {
        unaryCalls.incrementAndGet();
        if (failUnavailable(out)) {
            return;
        }
        ClassifyResponse.Builder response = ClassifyResponse.newBuilder().setModel("fake-vgg");
        for (int i = 0; i < request.getImagesCount(); i++) {
            Classification.Builder c = Classification.newBuilder();
            for (int k = 0; k < Math.max(1, request.getTopK()); k++) {
                c.addTopClasses(ClassScore.newBuilder().setClassId(k).setRank(k + 1));
            }
            response.addResults(ClassifyResult.newBuilder().setClassification(c));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
        unaryCalls.incrementAndGet();
        if (failUnavailable(out)) {
            return;
        }
        out.onNext(
                ListModelsResponse.newBuilder()
                        .setDefaultModel("fake-vgg")
                        .addModels(ModelSummary.newBuilder().setName("fake-vgg"))
                        .build());
        out.onCompleted();
    }

    @Override
    public void describeModel(DescribeModelRequest request, StreamObserver<ModelDescription> out) {
        unaryCalls.incrementAndGet();
        if (failUnavailable(out)) {
            return;
        }
        if (request.getModel().equals(MISSING_MODEL)) {
            out.onError(Status.NOT_FOUND.withDescription("unknown model").asRuntimeException());
            return;
        }
        out.onNext(ModelDescription.newBuilder().setName("fake-vgg").setNumClasses(1000).build());
        out.onCompleted();
    }

    @Override
    public StreamObserver<ExplainStreamRequest> explainStream(
            StreamObserver<ExplainStreamEvent> out) {
        streamCalls.incrementAndGet();
        boolean breakThis = streamsToBreak.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        return new StreamObserver<>() {
            private final List<ExplainStreamRequest> held = new ArrayList<>();
            private int open;
            private boolean broken;

            @Override
            public void onNext(ExplainStreamRequest r) {
                if (broken) {
                    return;
                }
                receivedIds.add(r.getRequestId());
                open++;
                maxOpen.accumulateAndGet(open, Math::max);
                held.add(r);
                if (held.size() >= holdUntilOpen) {
                    flush();
                }
            }

            private void flush() {
                if (breakThis && !held.isEmpty()) {
                    answer(held.remove(0));
                    broken = true;
                    out.onError(
                            Status.UNAVAILABLE
                                    .withDescription("replica went away")
                                    .asRuntimeException());
                    return;
                }
                held.forEach(this::answer);
                held.clear();
            }

            private void answer(ExplainStreamRequest r) {
                open--;
                if (r.getRequest().getModel().equals(MISSING_MODEL)) {
                    out.onNext(
                            ExplainStreamEvent.newBuilder()
                                    .setRequestId(r.getRequestId())
                                    .setFailed(
                                            Failed.newBuilder()
                                                    .setStatus(
                                                            com.google.rpc.Status.newBuilder()
                                                                    .setCode(
                                                                            Status.Code.NOT_FOUND
                                                                                    .value())
                                                                    .setMessage("unknown model")))
                                    .build());
                    return;
                }
                for (ExplainEvent e : script(r.getRequest(), r.getRequestId())) {
                    out.onNext(
                            ExplainStreamEvent.newBuilder()
                                    .setRequestId(r.getRequestId())
                                    .setEvent(e)
                                    .build());
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (!broken) {
                    flush();
                    if (!broken) {
                        out.onCompleted();
                    }
                }
            }
        };
    }
}
