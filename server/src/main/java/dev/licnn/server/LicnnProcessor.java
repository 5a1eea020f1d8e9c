package dev.licnn.server;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.licnn.batch.BatchProcessor;
import dev.licnn.batch.Job;
import dev.licnn.batch.ProcessorFactory;
import dev.licnn.batch.WorkerContext;
import dev.licnn.engine.baseline.BaselineEngine;
import dev.licnn.engine.baseline.BaselineJob;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.ModelCard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's LICNN engines: one copy of every served model on the worker's device, created and used
 * on the worker's own thread. Runs batches of {@link Work}; knows nothing of gRPC.
 */
final class LicnnProcessor implements BatchProcessor<Work, WorkResult> {

    private static final Logger LOG = LoggerFactory.getLogger(LicnnProcessor.class);

    /** Variants of served models (re-initialised layers) kept ready per worker. */
    static final int VARIANT_CACHE = 6;

    private final Map<String, LicnnEngine> engines = new LinkedHashMap<>();
    private final LinkedHashMap<String, LicnnEngine> variantEngines =
            new LinkedHashMap<>(16, 0.75f, true);
    private final ServedModels models;
    private final Device device;
    private final ServerMetrics metrics;

    private LicnnProcessor(ServedModels models, Device device, ServerMetrics metrics) {
        this.models = models;
        this.device = device;
        this.metrics = metrics;
    }

    /**
     * The engine of a served model, or of a variant built now (and cached, least recently used
     * first out).
     */
    private LicnnEngine engineFor(String name) throws java.io.IOException {
        LicnnEngine e = engines.get(name);
        if (e == null) {
            e = variantEngines.get(name);
        }
        if (e != null) {
            return e;
        }
        ModelCard card = models.get(name);
        long t = System.nanoTime();
        e = new LicnnEngine(card.createNetwork(device));
        variantEngines.put(name, e);
        if (variantEngines.size() > VARIANT_CACHE) {
            var eldest = variantEngines.entrySet().iterator().next();
            eldest.getValue().network().close();
            variantEngines.remove(eldest.getKey());
        }
        metrics.variantBuilds.inc();
        // The name is the client's: escaped and cut, so it cannot forge or flood a log line.
        LOG.info(
                "event=variant_built model=\"{}\" ms={}",
                LogText.clip(name),
                (System.nanoTime() - t) / 1_000_000);
        return e;
    }

    /**
     * @param spec the worker: its parsed device and intra-op threads (0 keeps the engine's default)
     * @param warmUp whether to run one small explain per model before serving
     */
    static ProcessorFactory<Work, WorkResult> factory(
            ServedModels models, WorkerSpec spec, boolean warmUp, ServerMetrics metrics) {
        int threads = spec.threads();
        return ctx -> {
            ai.djl.engine.Engine.getEngine(
                    "PyTorch"); // loads the natives before any direct JNI call
            if (threads > 0) {
                JniUtils.setNumThreads(threads);
            }
            Device device = spec.engineDevice();
            LicnnProcessor p = new LicnnProcessor(models, device, metrics);
            try {
                for (ModelCard card : models.all()) {
                    long t = System.nanoTime();
                    LicnnEngine engine = new LicnnEngine(card.createNetwork(device));
                    engine.setStageListener(
                            (stage, nanos) ->
                                    metrics.computeTime.labelValues(stage).observe(nanos / 1e9));
                    p.engines.put(card.name(), engine);
                    if (warmUp) {
                        int s = card.preprocess().cropSize();
                        engine.explain(
                                ExplainJob.builder()
                                        .setInput(new float[3 * s * s], s, s)
                                        .optTopK(1)
                                        .build());
                    }
                    LOG.info(
                            "worker {} loaded model {} on {} in {} ms",
                            ctx.name(),
                            card.name(),
                            device,
                            (System.nanoTime() - t) / 1_000_000);
                }
            } catch (Exception | Error e) {
                p.close();
                throw e;
            }
            return p;
        };
    }

    @Override
    public void process(List<Job<Work, WorkResult>> batch, WorkerContext ctx)
            throws java.io.IOException {
        LicnnEngine engine = engineFor(batch.get(0).input().model());
        long t0 = System.nanoTime();
        // A batch holds one kind of work (the kind is part of the batch key); sorting by kind
        // keeps each job beside its typed work.
        ByKind kinds = new ByKind();
        for (Job<Work, WorkResult> j : batch) {
            kinds.job = j;
            j.input().accept(kinds);
        }
        if (!kinds.classify.isEmpty()) {
            classify(kinds.classify, engine, ctx, t0);
        }
        if (!kinds.licnn.isEmpty()) {
            metrics.observeBatch("explain", kinds.licnn.size());
            List<ExplainJob> jobs = new ArrayList<>();
            for (Entry<Work.Licnn> e : kinds.licnn) {
                Work.Licnn w = e.work();
                jobs.add(
                        ExplainJob.builder()
                                .setTargets(w.targets())
                                .optOptions(w.options())
                                .optMapKinds(w.kinds())
                                .optLayers(w.layers())
                                .optListener(w.listener())
                                .optCancelled(e.job()::isCancelled)
                                .build());
            }
            complete(kinds.licnn, engine.explainAll(jobs), ctx, t0);
        }
        if (!kinds.baseline.isEmpty()) {
            metrics.observeBatch("explain", kinds.baseline.size());
            List<BaselineJob> jobs = new ArrayList<>();
            for (Entry<Work.Baseline> e : kinds.baseline) {
                Work.Baseline w = e.work();
                jobs.add(
                        BaselineJob.builder()
                                .setTargets(w.targets())
                                .setMethod(w.method())
                                .optOptions(w.options())
                                .optListener(w.listener())
                                .optCancelled(e.job()::isCancelled)
                                .build());
            }
            complete(
                    kinds.baseline, new BaselineEngine(engine.network()).explainAll(jobs), ctx, t0);
        }
    }

    /** A job of the batch beside its work, typed by kind. */
    private record Entry<W extends Work>(Job<Work, WorkResult> job, W work) {}

    /** Sorts a batch's jobs by the kind of their work. */
    private static final class ByKind implements Work.Kinds<Void> {
        final List<Entry<Work.Classify>> classify = new ArrayList<>();
        final List<Entry<Work.Licnn>> licnn = new ArrayList<>();
        final List<Entry<Work.Baseline>> baseline = new ArrayList<>();
        Job<Work, WorkResult> job;

        @Override
        public Void classify(Work.Classify work) {
            classify.add(new Entry<>(job, work));
            return null;
        }

        @Override
        public Void licnn(Work.Licnn work) {
            licnn.add(new Entry<>(job, work));
            return null;
        }

        @Override
        public Void baseline(Work.Baseline work) {
            baseline.add(new Entry<>(job, work));
            return null;
        }
    }

    private void classify(
            List<Entry<Work.Classify>> batch, LicnnEngine engine, WorkerContext ctx, long t0) {
        metrics.observeBatch("classify", batch.size());
        List<float[]> inputs = new ArrayList<>();
        for (Entry<Work.Classify> e : batch) {
            inputs.add(e.work().input());
        }
        Work.Classify first = batch.get(0).work();
        float[][] logits = engine.logits(inputs, first.height(), first.width());
        long dt = System.nanoTime() - t0;
        metrics.computeTime.labelValues("classify_forward").observe(dt / 1e9);
        WorkResult.Timing timing = new WorkResult.Timing(dt, ctx.name(), ctx.device());
        for (int i = 0; i < batch.size(); i++) {
            Entry<Work.Classify> e = batch.get(i);
            Work.deliver(e.job(), e.work().reply(), new WorkResult.Logits(logits[i], timing));
        }
    }

    private static <W extends Work.Explaining> void complete(
            List<Entry<W>> batch, List<Outcome> out, WorkerContext ctx, long t0) {
        WorkResult.Timing timing =
                new WorkResult.Timing(System.nanoTime() - t0, ctx.name(), ctx.device());
        for (int i = 0; i < batch.size(); i++) {
            Outcome o = out.get(i);
            Entry<W> e = batch.get(i);
            if (o.error() != null) {
                e.job().fail(o.error());
            } else {
                Work.deliver(
                        e.job(), e.work().reply(), new WorkResult.Explained(o.result(), timing));
            }
        }
    }

    @Override
    public void close() {
        for (LicnnEngine e : engines.values()) {
            e.network().close();
        }
        for (LicnnEngine e : variantEngines.values()) {
            e.network().close();
        }
        engines.clear();
        variantEngines.clear();
    }
}
