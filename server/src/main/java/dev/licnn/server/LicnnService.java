package dev.licnn.server;

import dev.licnn.batch.Job;
import dev.licnn.batch.WorkerPool;
import dev.licnn.engine.explain.Ranking;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.Classification;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ClassifyResult;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ExplainStreamEvent;
import dev.licnn.proto.v1.ExplainStreamRequest;
import dev.licnn.proto.v1.Failed;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import dev.licnn.proto.v1.ListModelsResponse;
import dev.licnn.proto.v1.ModelDescription;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code licnn.v1.LicnnService} implementation: translates between protobuf and the worker
 * pool, and nothing else. Every response stream is flow-controlled by an {@link EventSink}.
 */
final class LicnnService extends LicnnServiceGrpc.LicnnServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(LicnnService.class);
    static final int MAX_REQUEST_ID = 128;

    private final ServedModels models;
    private final RequestParser parser;
    private final ImageDecoder decoder;
    private final WorkQueue queue;
    private final ServerMetrics metrics;
    private final long streamBudgetBytes;
    private final ScheduledExecutorService timer;
    private final RequestLimits limits;
    private final Executor decodePool;

    LicnnService(
            ServedModels models,
            WorkerPool<Work, WorkResult> pool,
            ServerMetrics metrics,
            long streamBudgetBytes,
            ScheduledExecutorService timer,
            Executor decodePool,
            RequestLimits limits) {
        this.models = models;
        this.parser = new RequestParser(models);
        this.queue = new WorkQueue(pool);
        this.metrics = metrics;
        this.decoder = new ImageDecoder(metrics);
        this.streamBudgetBytes = streamBudgetBytes;
        this.timer = timer;
        this.decodePool = decodePool;
        this.limits = limits;
    }

    /** A request refused because every decode thread is busy and the decode queue is full. */
    static final Status DECODE_QUEUE_FULL =
            Status.RESOURCE_EXHAUSTED.withDescription(
                    "the server's image decoding queue is full; try again later");

    /**
     * Runs {@code body} (decoding and submitting one request) on the decode pool, in the call's
     * context (its client key, deadline and cancellation); false when the pool refuses it.
     */
    private boolean onDecodePool(Runnable body) {
        try {
            decodePool.execute(Context.current().wrap(body));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** The call's deadline, cut to the server's longest call. */
    private Deadline deadline() {
        Deadline longest = Deadline.after(limits.maxDeadline().toNanos(), TimeUnit.NANOSECONDS);
        Deadline d = Context.current().getDeadline();
        return d == null ? longest : d.minimum(longest);
    }

    /** A flow-controlled sink for this call's responses that ends itself at the call's deadline. */
    private <T extends com.google.protobuf.MessageLite> EventSink<T> sink(
            StreamObserver<T> observer) {
        EventSink<T> sink =
                new EventSink<>(
                        (ServerCallStreamObserver<T>) observer,
                        streamBudgetBytes,
                        metrics.bytesStreamed::inc,
                        () -> metrics.rejected.labelValues("SLOW_READER").inc());
        sink.expireAt(deadline(), timer);
        return sink;
    }

    /** The status a request ended with: when the stream ended first, why it did. */
    private static Status outcome(Status status, EventSink<?> sink) {
        Status ended = sink.endStatus();
        return status.isOk() || ended == null ? status : ended;
    }

    private void count(String rpc, Status s) {
        metrics.requests.labelValues(rpc, s.getCode().name()).inc();
        if (!s.isOk()) {
            LOG.info(
                    "event=rpc_failed rpc={} status={} message=\"{}\"",
                    rpc,
                    s.getCode(),
                    LogText.clip(s.getDescription()));
        }
    }

    @Override
    public void explain(ExplainRequest request, StreamObserver<ExplainEvent> observer) {
        EventSink<ExplainEvent> sink = sink(observer);
        String id = UUID.randomUUID().toString();
        ExplainRun[] run = new ExplainRun[1];
        run[0] =
                new ExplainRun(
                        parser,
                        decoder,
                        queue,
                        limits,
                        id,
                        sink::send,
                        status -> {
                            count("Explain", outcome(status, sink));
                            if (status.isOk()) {
                                sink.complete();
                            } else {
                                sink.fail(status);
                            }
                        });
        sink.onCancel(() -> run[0].cancel());
        Deadline deadline = deadline();
        if (!onDecodePool(() -> run[0].start(request, deadline))) {
            run[0].refuse(DECODE_QUEUE_FULL);
        }
    }

    @Override
    public StreamObserver<ExplainStreamRequest> explainStream(
            StreamObserver<ExplainStreamEvent> observer) {
        EventSink<ExplainStreamEvent> sink = sink(observer);
        Map<String, ExplainRun> inFlight = new ConcurrentHashMap<>();
        AtomicBoolean halfClosed = new AtomicBoolean();
        Deadline deadline = deadline();
        sink.onCancel(() -> inFlight.values().forEach(ExplainRun::cancel));
        Runnable maybeComplete =
                () -> {
                    if (halfClosed.get() && inFlight.isEmpty()) {
                        sink.complete();
                    }
                };
        return new StreamObserver<>() {
            @Override
            public void onNext(ExplainStreamRequest req) {
                String id = req.getRequestId();
                if (id.isEmpty() || id.length() > MAX_REQUEST_ID) {
                    failed(
                            id,
                            Status.INVALID_ARGUMENT.withDescription(
                                    "request_id must have 1 to "
                                            + MAX_REQUEST_ID
                                            + " characters, got "
                                            + id.length()));
                    return;
                }
                ExplainRun run =
                        new ExplainRun(
                                parser,
                                decoder,
                                queue,
                                limits,
                                id,
                                e ->
                                        sink.send(
                                                ExplainStreamEvent.newBuilder()
                                                        .setRequestId(id)
                                                        .setEvent(e)
                                                        .build()),
                                status -> {
                                    count("ExplainStream", outcome(status, sink));
                                    if (status.getCode() == Status.Code.UNAVAILABLE) {
                                        // The server is draining and takes no more work: end the
                                        // whole stream with
                                        // UNAVAILABLE (not this request alone), so that the client
                                        // sends the
                                        // unfinished requests again on a new stream, on another
                                        // replica.
                                        sink.fail(status);
                                    } else if (!status.isOk()) {
                                        failed(id, status);
                                    }
                                    inFlight.remove(id);
                                    maybeComplete.run();
                                });
                if (inFlight.size() >= limits.maxStreamInFlight()) {
                    failed(
                            id,
                            Status.RESOURCE_EXHAUSTED.withDescription(
                                    "this stream already has "
                                            + limits.maxStreamInFlight()
                                            + " requests in flight, the per-stream limit"));
                    return;
                }
                if (inFlight.putIfAbsent(id, run) != null) {
                    failed(
                            id,
                            Status.ALREADY_EXISTS.withDescription(
                                    "request_id '" + id + "' is already in flight"));
                    return;
                }
                if (!onDecodePool(() -> run.start(req.getRequest(), deadline))) {
                    run.refuse(DECODE_QUEUE_FULL);
                }
            }

            private void failed(String id, Status status) {
                sink.send(
                        ExplainStreamEvent.newBuilder()
                                .setRequestId(id)
                                .setFailed(Failed.newBuilder().setStatus(Statuses.toRpc(status)))
                                .build());
            }

            @Override
            public void onError(Throwable t) {
                inFlight.values().forEach(ExplainRun::cancel);
            }

            @Override
            public void onCompleted() {
                halfClosed.set(true);
                maybeComplete.run();
            }
        };
    }

    @Override
    public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> observer) {
        EventSink<ClassifyResponse> sink = sink(observer);
        RequestParser.ClassifyPlan plan;
        try {
            plan = parser.classify(request);
            admitClassify(request.getImagesCount());
        } catch (RuntimeException e) {
            Status s = Statuses.of(e);
            count("Classify", s);
            sink.fail(s);
            return;
        }
        Deadline deadline = deadline();
        Context call = Context.current();
        RequestParser.ClassifyPlan admitted = plan;
        if (!onDecodePool(() -> decodeAndSubmit(request, admitted, deadline, call, sink))) {
            count("Classify", DECODE_QUEUE_FULL);
            sink.fail(DECODE_QUEUE_FULL);
        }
    }

    /**
     * Decodes a Classify's images one after another on the decode pool, submitting each, and
     * answers once all are done; a client that has gone, or a deadline that has passed, stops the
     * decoding of the rest.
     */
    private void decodeAndSubmit(
            ClassifyRequest request,
            RequestParser.ClassifyPlan plan,
            Deadline deadline,
            Context call,
            EventSink<ClassifyResponse> sink) {
        ModelCard card = plan.model();
        List<CompletableFuture<ClassifyResult>> results = new ArrayList<>();
        List<Job<Work, WorkResult>> jobs = new ArrayList<>();
        for (ImageInput img : request.getImagesList()) {
            CompletableFuture<ClassifyResult> f;
            try {
                // Between images: a client that has gone, or a deadline that has passed, stops
                // the decoding of the rest.
                if (call.isCancelled() || deadline.isExpired()) {
                    throw new java.util.concurrent.CancellationException(
                            deadline.isExpired()
                                    ? "deadline passed before this image was decoded"
                                    : "call cancelled before this image was decoded");
                }
                ImageDecoder.PreparedInput in = decoder.prepare(img, card);
                WorkQueue.Submitted<WorkResult.Logits> s =
                        queue.job(
                                new Work.Classify(card.name(), in.chw(), in.height(), in.width()),
                                deadline);
                if (submitQuietly(s)) {
                    jobs.add(s.job());
                }
                f =
                        s.result()
                                .handle(
                                        (r, err) ->
                                                err != null
                                                        ? error(err)
                                                        : classification(
                                                                card, r.logits(), plan.topK()));
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(error(e));
            }
            results.add(f);
        }
        sink.onCancel(() -> jobs.forEach(Job::cancel));
        CompletableFuture.allOf(results.toArray(new CompletableFuture[0]))
                .whenComplete(
                        (v, err) -> {
                            ClassifyResponse.Builder b =
                                    ClassifyResponse.newBuilder().setModel(card.name());
                            results.forEach(f -> b.addResults(f.join()));
                            if (sink.send(b.build())) {
                                sink.complete();
                                count("Classify", Status.OK);
                            } else {
                                count(
                                        "Classify",
                                        outcome(
                                                Status.CANCELLED.withDescription("stream closed"),
                                                sink));
                            }
                        });
    }

    /**
     * Submits; a refused job's result already carries the refusal, so it is not rethrown. Returns
     * whether the job was queued: a refused one is dropped at once, its image with it.
     */
    private boolean submitQuietly(WorkQueue.Submitted<?> s) {
        try {
            queue.submit(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Admits a Classify of {@code images} images before any is decoded: under the image cap and the
     * cost ceiling, and only while the queue has room for all of them.
     */
    private void admitClassify(int images) {
        if (images > limits.maxClassifyImages()) {
            throw new OverLimitException(
                    "request has "
                            + images
                            + " images, over this server's limit of "
                            + limits.maxClassifyImages()
                            + " per Classify");
        }
        CostModel.check(CostModel.classify(images), limits);
        queue.admit(images);
    }

    private static ClassifyResult error(Throwable t) {
        return ClassifyResult.newBuilder().setError(Statuses.toRpc(Statuses.of(t))).build();
    }

    private static ClassifyResult classification(ModelCard card, float[] logits, int k) {
        float[] probs = Ranking.softmax(logits);
        Classification.Builder c = Classification.newBuilder();
        int rank = 1;
        for (int id : Ranking.topK(probs, k)) {
            c.addTopClasses(ExplainRun.score(card, id, probs, logits, rank++));
        }
        return ClassifyResult.newBuilder().setClassification(c).build();
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
        ListModelsResponse.Builder b =
                ListModelsResponse.newBuilder().setDefaultModel(models.defaultName());
        for (ModelCard c : models.all()) {
            b.addModels(ModelDescriptions.summary(c));
        }
        count("ListModels", Status.OK);
        observer.onNext(b.build());
        observer.onCompleted();
    }

    @Override
    public void describeModel(
            DescribeModelRequest request, StreamObserver<ModelDescription> observer) {
        try {
            ModelDescription d =
                    ModelDescriptions.describe(models.get(request.getModel())).toBuilder()
                            .setLimits(limits.toProto())
                            .build();
            count("DescribeModel", Status.OK);
            observer.onNext(d);
            observer.onCompleted();
        } catch (RuntimeException e) {
            Status s = Statuses.of(e);
            count("DescribeModel", s);
            observer.onError(s.asRuntimeException());
        }
    }
}
