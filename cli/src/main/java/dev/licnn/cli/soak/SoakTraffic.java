package dev.licnn.cli.soak;

import com.google.protobuf.ByteString;
import dev.licnn.cli.soak.SoakStats.Kind;
import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.Tensor;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;

/**
 * One soak client's requests: each kind of traffic, sent and checked against the contract. Every
 * call carries a guard deadline; a call that reaches it without an answer is lost.
 */
final class SoakTraffic {

    /** A call with no answer after this long is lost (the server's contract is to answer). */
    static final long GUARD_SECONDS = 300;

    private final LicnnServiceGrpc.LicnnServiceBlockingStub blocking;
    private final LicnnServiceGrpc.LicnnServiceStub async;
    private final List<ByteString> images;
    private final int classes;
    private final SoakStats stats;
    private final ScheduledExecutorService timer;
    private final Random random;

    SoakTraffic(
            Channel channel,
            @Nullable CallCredentials credentials,
            List<ByteString> images,
            int classes,
            SoakStats stats,
            ScheduledExecutorService timer,
            long seed) {
        this.blocking = LicnnServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
        this.async = LicnnServiceGrpc.newStub(channel).withCallCredentials(credentials);
        this.images = images;
        this.classes = classes;
        this.stats = stats;
        this.timer = timer;
        this.random = new Random(seed);
    }

    /** Sends one request of a kind drawn with the mix's weights. */
    void next() throws InterruptedException {
        int r = random.nextInt(100);
        Kind kind =
                r < 35
                        ? Kind.VALID
                        : r < 50
                                ? Kind.INVALID
                                : r < 60
                                        ? Kind.CANCELLED
                                        : r < 70
                                                ? Kind.DEADLINED
                                                : r < 75
                                                        ? Kind.SLOW_READER
                                                        : r < 90 ? Kind.STREAM : Kind.CLASSIFY;
        stats.start();
        switch (kind) {
            case VALID -> valid();
            case INVALID -> invalid();
            case CANCELLED -> cancelled();
            case DEADLINED -> deadlined();
            case SLOW_READER -> slowReader();
            case STREAM -> stream();
            case CLASSIFY -> classify();
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private ImageInput image() {
        return ImageInput.newBuilder()
                .setEncoded(images.get(random.nextInt(images.size())))
                .build();
    }

    private ExplainRequest validRequest() {
        return ExplainRequest.newBuilder()
                .setImage(image())
                .setTopK(1 + random.nextInt(Math.min(3, classes)))
                .build();
    }

    /**
     * Drains an Explain call; the status it ended with, or LOST when it ended without `completed`.
     */
    private static String drain(Iterator<ExplainEvent> it) {
        ExplainEvent last = null;
        try {
            while (it.hasNext()) {
                last = it.next();
            }
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
        return last != null && last.hasCompleted() ? "OK" : "LOST";
    }

    private LicnnServiceGrpc.LicnnServiceBlockingStub guarded() {
        return blocking.withDeadlineAfter(GUARD_SECONDS, TimeUnit.SECONDS);
    }

    private void record(Kind kind, String outcome, Set<String> expected, String detail) {
        if (outcome.equals("LOST")
                || outcome.equals("DEADLINE_EXCEEDED") && !expected.contains(outcome)) {
            stats.lost(
                    kind,
                    outcome.equals("LOST")
                            ? "no completed event"
                            : "no answer within " + GUARD_SECONDS + " s");
        } else {
            stats.finish(kind, outcome, expected.contains(outcome), detail);
        }
    }

    private void valid() {
        long t0 = System.nanoTime();
        String outcome = drain(guarded().explain(validRequest()));
        if (outcome.equals("OK")) {
            stats.latency((System.nanoTime() - t0) / 1e6);
        }
        record(Kind.VALID, outcome, Set.of("OK", "RESOURCE_EXHAUSTED"), null);
    }

    /** Bad requests, each with the status the contract gives it. */
    private void invalid() {
        ExplainRequest ok = validRequest();
        int which = random.nextInt(6);
        ExplainRequest bad;
        String want;
        switch (which) {
            case 0 -> {
                bad =
                        ok.toBuilder()
                                .setImage(
                                        ImageInput.newBuilder()
                                                .setEncoded(
                                                        ByteString.copyFromUtf8("not an image")))
                                .build();
                want = "INVALID_ARGUMENT";
            }
            case 1 -> {
                bad = ok.toBuilder().setTopK(classes + 1).build();
                want = "INVALID_ARGUMENT";
            }
            case 2 -> {
                bad =
                        ok.toBuilder()
                                .setClassIds(ClassList.newBuilder().addClassIds(classes))
                                .build();
                want = "NOT_FOUND";
            }
            case 3 -> {
                bad = ok.toBuilder().setModel("no-such-model").build();
                want = "NOT_FOUND";
            }
            case 4 -> {
                bad =
                        ok.toBuilder()
                                .setImage(
                                        ImageInput.newBuilder()
                                                .setTensor(
                                                        Tensor.newBuilder()
                                                                .addShape(1)
                                                                .addShape(3)
                                                                .addShape(224)
                                                                .addShape(224)
                                                                .setData(
                                                                        ByteString.copyFrom(
                                                                                new byte
                                                                                        [3 * 224
                                                                                                * 224
                                                                                                * 4]))))
                                .build();
                want = "INVALID_ARGUMENT";
            }
            default -> {
                ByteString png = ok.getImage().getEncoded();
                bad =
                        ok.toBuilder()
                                .setImage(
                                        ImageInput.newBuilder()
                                                .setEncoded(png.substring(0, png.size() / 2)))
                                .build();
                want = "INVALID_ARGUMENT";
            }
        }
        record(Kind.INVALID, drain(guarded().explain(bad)), Set.of(want), "case " + which);
    }

    /** Cancels after the first event and a random pause; the work stops and nothing is lost. */
    private void cancelled() throws InterruptedException {
        Context.CancellableContext ctx = Context.current().withCancellation();
        String outcome;
        try {
            Iterator<ExplainEvent> it =
                    ctx.call(
                            () ->
                                    guarded()
                                            .explain(
                                                    validRequest().toBuilder()
                                                            .addLayerMapKinds(
                                                                    MapKind
                                                                            .MAP_KIND_SUPPRESSION_MASK)
                                                            .build()));
            it.next();
            Thread.sleep(random.nextInt(300));
            ctx.cancel(null);
            outcome = drain(it);
        } catch (StatusRuntimeException e) {
            outcome = e.getStatus().getCode().name();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            outcome = "client error: " + e;
        } finally {
            ctx.cancel(null);
        }
        record(Kind.CANCELLED, outcome, Set.of("CANCELLED", "OK", "RESOURCE_EXHAUSTED"), null);
    }

    /**
     * A 50 ms deadline: the client must see DEADLINE_EXCEEDED (or OK if the server was that fast).
     */
    private void deadlined() {
        String outcome =
                drain(
                        blocking.withDeadlineAfter(50, TimeUnit.MILLISECONDS)
                                .explain(validRequest()));
        stats.finish(
                Kind.DEADLINED,
                outcome,
                Set.of("DEADLINE_EXCEEDED", "OK", "RESOURCE_EXHAUSTED").contains(outcome),
                null);
    }

    /** Reads one event every 20 ms of a request with many layer maps. */
    private void slowReader() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> outcome = new AtomicReference<>("LOST");
        AtomicReference<ExplainEvent> last = new AtomicReference<>();
        ExplainRequest req =
                validRequest().toBuilder()
                        .addLayerMapKinds(MapKind.MAP_KIND_SUPPRESSION_MASK)
                        .addLayerMapKinds(MapKind.MAP_KIND_RESPONSE_AFTER)
                        .build();
        async.withDeadlineAfter(GUARD_SECONDS, TimeUnit.SECONDS)
                .explain(
                        req,
                        new ClientResponseObserver<ExplainRequest, ExplainEvent>() {
                            private ClientCallStreamObserver<ExplainRequest> call;

                            @Override
                            public void beforeStart(ClientCallStreamObserver<ExplainRequest> c) {
                                call = c;
                                c.disableAutoRequestWithInitial(1);
                            }

                            @Override
                            public void onNext(ExplainEvent e) {
                                last.set(e);
                                timer.schedule(() -> call.request(1), 20, TimeUnit.MILLISECONDS);
                            }

                            @Override
                            public void onError(Throwable t) {
                                outcome.set(Status.fromThrowable(t).getCode().name());
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                outcome.set(
                                        last.get() != null && last.get().hasCompleted()
                                                ? "OK"
                                                : "LOST");
                                done.countDown();
                            }
                        });
        if (!done.await(GUARD_SECONDS + 30, TimeUnit.SECONDS)) {
            stats.lost(Kind.SLOW_READER, "the call never ended");
            return;
        }
        record(Kind.SLOW_READER, outcome.get(), Set.of("OK", "RESOURCE_EXHAUSTED"), null);
    }

    /** Two good requests and a bad one over one stream: two `completed`, one `failed`, then OK. */
    private void stream() throws InterruptedException {
        Map<String, List<ExplainStreamEvent>> byId = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Status> status = new AtomicReference<>();
        StreamObserver<ExplainStreamRequest> req =
                async.withDeadlineAfter(GUARD_SECONDS, TimeUnit.SECONDS)
                        .explainStream(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(ExplainStreamEvent e) {
                                        byId.computeIfAbsent(
                                                        e.getRequestId(), k -> new ArrayList<>())
                                                .add(e);
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        status.set(Status.fromThrowable(t));
                                        done.countDown();
                                    }

                                    @Override
                                    public void onCompleted() {
                                        status.set(Status.OK);
                                        done.countDown();
                                    }
                                });
        req.onNext(
                ExplainStreamRequest.newBuilder()
                        .setRequestId("a")
                        .setRequest(validRequest())
                        .build());
        req.onNext(
                ExplainStreamRequest.newBuilder()
                        .setRequestId("bad")
                        .setRequest(validRequest().toBuilder().setTopK(classes + 1))
                        .build());
        req.onNext(
                ExplainStreamRequest.newBuilder()
                        .setRequestId("b")
                        .setRequest(validRequest())
                        .build());
        req.onCompleted();
        if (!done.await(GUARD_SECONDS + 30, TimeUnit.SECONDS)) {
            stats.lost(Kind.STREAM, "the stream never ended");
            return;
        }
        String code = status.get().getCode().name();
        if (!status.get().isOk()) {
            record(Kind.STREAM, code, Set.of("RESOURCE_EXHAUSTED"), status.get().getDescription());
            return;
        }
        boolean aOk = terminal(byId.get("a")) == 0;
        boolean bOk = terminal(byId.get("b")) == 0;
        int badCode = terminal(byId.get("bad"));
        if (terminal(byId.get("a")) < 0 || terminal(byId.get("b")) < 0 || badCode < 0) {
            stats.lost(Kind.STREAM, "a request of the stream got no terminal event");
            return;
        }
        boolean asContract = aOk && bOk && badCode == Status.Code.INVALID_ARGUMENT.value();
        stats.finish(
                Kind.STREAM,
                asContract ? "OK" : "OK with wrong per-request outcomes",
                asContract,
                "a " + aOk + ", b " + bOk + ", bad " + badCode);
    }

    /**
     * 0 if the request's last event is `completed`, its code if `failed`, -1 if it has no terminal
     * event.
     */
    private static int terminal(List<ExplainStreamEvent> events) {
        if (events == null || events.isEmpty()) {
            return -1;
        }
        ExplainStreamEvent last = events.get(events.size() - 1);
        if (last.hasFailed()) {
            return last.getFailed().getStatus().getCode();
        }
        return last.hasEvent() && last.getEvent().hasCompleted() ? 0 : -1;
    }

    private void classify() {
        String outcome;
        String detail = null;
        try {
            ClassifyResponse r =
                    guarded()
                            .classify(
                                    ClassifyRequest.newBuilder()
                                            .addImages(image())
                                            .addImages(image())
                                            .setTopK(1)
                                            .build());
            boolean ok =
                    r.getResultsCount() == 2
                            && r.getResults(0).hasClassification()
                            && r.getResults(1).hasClassification();
            outcome = ok ? "OK" : "OK with failed images";
            detail = ok ? null : r.toString();
        } catch (StatusRuntimeException e) {
            outcome = e.getStatus().getCode().name();
        }
        record(Kind.CLASSIFY, outcome, Set.of("OK", "RESOURCE_EXHAUSTED"), detail);
    }
}
