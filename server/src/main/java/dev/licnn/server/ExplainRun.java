package dev.licnn.server;

import dev.licnn.batch.Job;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.Ranking;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.LayerMap;
import dev.licnn.proto.v1.SaliencyMap;
import dev.licnn.proto.v1.TargetRanking;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One explain request from parsing to its last event: validates, prepares the image, submits the
 * work and turns the engine's callbacks into {@link ExplainEvent}s in the contract's order.
 */
final class ExplainRun {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExplainRun.class);

    private final RequestParser parser;
    private final ImageDecoder decoder;
    private final WorkQueue queue;
    private final RequestLimits limits;
    private final String requestId;
    private final Predicate<ExplainEvent> emit;
    private final Consumer<Status> done;
    private final long startNanos = System.nanoTime();
    private volatile Job<Work, WorkResult> job;
    private volatile boolean cancelled;

    /** Events the worker produced before {@code accepted} was sent; null once it has been. */
    private List<ExplainEvent> early = new ArrayList<>();

    /**
     * @param emit sends one event; returns false when the stream is over
     * @param done called once with the final status (OK after {@code completed} was emitted)
     */
    ExplainRun(
            RequestParser parser,
            ImageDecoder decoder,
            WorkQueue queue,
            RequestLimits limits,
            String requestId,
            Predicate<ExplainEvent> emit,
            Consumer<Status> done) {
        this.parser = parser;
        this.decoder = decoder;
        this.queue = queue;
        this.limits = limits;
        this.requestId = requestId;
        this.emit = emit;
        this.done = done;
    }

    /** Cancels the work if it is queued or running, or stops it before it is decoded. */
    void cancel() {
        cancelled = true;
        Job<Work, WorkResult> j = job;
        if (j != null) {
            j.cancel();
        }
    }

    /** Ends the run with {@code status} before it started (the decode pool refused it). */
    void refuse(Status status) {
        done.accept(status);
    }

    /**
     * Validates and submits; any problem ends the run through {@code done} with a precise status.
     */
    void start(ExplainRequest req, Deadline deadline) {
        ExplainPlan plan;
        Work.Explaining work;
        try {
            plan = parser.explain(req);
            // Admission before decoding: the estimated cost, then room in the queue.
            CostModel.check(CostModel.explain(plan), limits);
            queue.admit(1);
            // Decoding waited for a decode thread: a client that has gone, or a deadline that has
            // passed meanwhile, is not decoded for.
            if (cancelled) {
                done.accept(
                        Status.CANCELLED.withDescription(
                                "call cancelled before its image was decoded"));
                return;
            }
            if (deadline.isExpired()) {
                done.accept(
                        Status.DEADLINE_EXCEEDED.withDescription(
                                "deadline passed before the image was decoded"));
                return;
            }
            ImageDecoder.PreparedInput in = decoder.prepare(req.getImage(), plan.model());
            work = plan.work(plan.classes().targets(in), new Listener(plan));
        } catch (RuntimeException e) {
            done.accept(Statuses.of(e, requestId));
            return;
        }
        WorkQueue.Submitted<WorkResult.Explained> submitted = queue.job(work, deadline);
        job = submitted.job();
        try {
            queue.submit(submitted);
        } catch (RuntimeException e) {
            done.accept(Statuses.of(e, requestId));
            return;
        }
        if (cancelled) {
            // cancelled while it was being decoded: cancel() saw no job yet
            job.cancel();
        }
        // Queued: only now is the request accepted. A worker may already have produced events;
        // they follow, in order. The result is handled after this, so `completed` comes last.
        boolean open;
        synchronized (this) {
            open = emit.test(ExplainEvent.newBuilder().setAccepted(accepted(plan)).build());
            for (ExplainEvent e : early) {
                open = open && emit.test(e);
            }
            early = null;
        }
        if (!open) {
            cancel();
        }
        Job<Work, WorkResult> j = submitted.job();
        submitted.result().whenComplete((r, err) -> finish(plan, j, r, err));
    }

    private Accepted.Builder accepted(ExplainPlan plan) {
        ModelCard card = plan.model();
        List<String> names = card.spec().featureReluNames();
        Accepted.Builder acc =
                Accepted.newBuilder()
                        .setRequestId(requestId)
                        .setModel(ModelDescriptions.summary(card))
                        .setMethod(plan.method())
                        .setLicnnOptions(ProtoMapping.toProto(plan.licnnOptions()))
                        .setNumTargets(plan.classes().count());
        int selected = 0;
        for (int i = 0; i < names.size(); i++) {
            if (plan.layers() == null || plan.layers().contains(i)) {
                acc.addSelectedLayers(names.get(i));
                selected++;
            }
        }
        for (MapKind k : plan.kinds()) {
            acc.addLayerMapKinds(ProtoMapping.toProto(k));
        }
        acc.setExpectedLayerMaps(plan.kinds().size() * selected * acc.getNumTargets());
        return acc;
    }

    /** Sends a worker's event, or holds it until {@code accepted} has been sent. */
    private void send(ExplainEvent e) {
        synchronized (this) {
            if (early != null) {
                early.add(e);
                return;
            }
        }
        if (!emit.test(e)) {
            cancel();
        }
    }

    private void finish(
            ExplainPlan plan, Job<Work, WorkResult> j, WorkResult.Explained r, Throwable err) {
        if (err != null) {
            done.accept(Statuses.of(err, requestId));
            return;
        }
        ExplainResult res = r.result();
        if (plan.inhibitedRanking()) {
            InhibitedRanking.Builder ranking = InhibitedRanking.newBuilder();
            for (ClassAttention c : res.classes()) {
                float[] logits = c.logitsAfter();
                float[] probs = Ranking.softmax(logits);
                TargetRanking.Builder t =
                        TargetRanking.newBuilder().setClassId(c.classId()).setTargetIndex(c.rank());
                int rank = 1;
                for (int id : Ranking.topK(probs, plan.emission().rankingSize())) {
                    t.addTopClasses(score(plan.model(), id, probs, logits, rank++));
                }
                t.setTarget(
                        score(
                                plan.model(),
                                c.classId(),
                                probs,
                                logits,
                                rankOf(probs, c.classId())));
                ranking.addRankings(t);
            }
            emit.test(ExplainEvent.newBuilder().setInhibitedRanking(ranking).build());
        }
        long total = System.nanoTime() - startNanos;
        Completed completed =
                Completed.newBuilder()
                        .setQueueTime(durationOf(j.queueTimeNanos()))
                        .setComputeTime(durationOf(r.timing().computeNanos()))
                        .setTotalTime(durationOf(total))
                        .setBatchSize(j.batchSize())
                        .setWorker(r.timing().worker())
                        .setDevice(r.timing().device())
                        .build();
        emit.test(ExplainEvent.newBuilder().setCompleted(completed).build());
        LOG.info(
                "event=explain_done request_id={} model={} targets={} queue_ms={} compute_ms={} total_ms={} batch={} worker={}",
                requestId,
                plan.model().name(),
                res.classes().size(),
                j.queueTimeNanos() / 1_000_000,
                r.timing().computeNanos() / 1_000_000,
                total / 1_000_000,
                j.batchSize(),
                r.timing().worker());
        done.accept(Status.OK);
    }

    static com.google.protobuf.Duration durationOf(long nanos) {
        long n = Math.max(0, nanos);
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(n / 1_000_000_000L)
                .setNanos((int) (n % 1_000_000_000L))
                .build();
    }

    static ClassScore score(ModelCard card, int id, float[] probs, float[] logits, int rank) {
        return ClassScore.newBuilder()
                .setClassId(id)
                .setLabel(card.labels().byId(id).name())
                .setProbability(probs[id])
                .setLogit(logits[id])
                .setRank(rank)
                .build();
    }

    private static int rankOf(float[] probs, int id) {
        int rank = 1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > probs[id] || (probs[i] == probs[id] && i < id)) {
                rank++;
            }
        }
        return rank;
    }

    /** Engine callbacks to events; runs on the worker thread and never blocks. */
    private final class Listener implements MapListener {
        private final ModelCard model;
        private final ExplainPlan.Emission out;
        private final List<String> layerNames;

        Listener(ExplainPlan plan) {
            this.model = plan.model();
            this.out = plan.emission();
            this.layerNames = model.spec().featureReluNames();
        }

        @Override
        public void onPrediction(Prediction pr) {
            float[] probs = pr.probabilities();
            float[] logits = pr.logits();
            dev.licnn.proto.v1.Prediction.Builder b = dev.licnn.proto.v1.Prediction.newBuilder();
            int rank = 1;
            for (int id : pr.topK(out.rankingSize())) {
                b.addTopClasses(score(model, id, probs, logits, rank++));
            }
            for (int id : pr.targets()) {
                b.addTargets(score(model, id, probs, logits, rankOf(probs, id)));
            }
            send(ExplainEvent.newBuilder().setPrediction(b).build());
        }

        @Override
        public void onLayerMap(int rank, int classId, int layer, MapKind kind, FloatMap map) {
            LayerMap lm =
                    LayerMap.newBuilder()
                            .setClassId(classId)
                            .setTargetIndex(rank)
                            .setLayerIndex(layer)
                            .setLayerName(layerNames.get(layer))
                            .setKind(ProtoMapping.toProto(kind))
                            .setMap(out.encode(map))
                            .build();
            send(ExplainEvent.newBuilder().setLayerMap(lm).build());
        }

        @Override
        public void onAttention(ClassAttention a) {
            if (out.omitAttention()) {
                return;
            }
            AttentionMap am =
                    AttentionMap.newBuilder()
                            .setClassId(a.classId())
                            .setTargetIndex(a.rank())
                            .setLabel(model.labels().byId(a.classId()).name())
                            .setMap(out.encode(a.attention()))
                            .build();
            send(ExplainEvent.newBuilder().setAttentionMap(am).build());
        }

        @Override
        public void onSaliency(int[] classIds, FloatMap saliency) {
            if (out.omitSaliency()) {
                return;
            }
            SaliencyMap.Builder sm = SaliencyMap.newBuilder().setMap(out.encode(saliency));
            for (int c : classIds) {
                sm.addClassIds(c);
            }
            send(ExplainEvent.newBuilder().setSaliencyMap(sm).build());
        }
    }
}
