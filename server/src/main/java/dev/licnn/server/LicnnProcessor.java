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
        LOG.info(
                "event=variant_built model=\"{}\" ms={}",
                name,
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
        Work first = batch.get(0).input();
        LicnnEngine engine = engineFor(first.model());
        long t0 = System.nanoTime();
        // A batch holds one kind of work (the kind is part of the batch key).
        if (first instanceof Work.Classify c) {
            classify(batch, c, engine, ctx, t0);
        } else if (first instanceof Work.Licnn) {
            metrics.observeBatch("explain", batch.size());
            List<ExplainJob> jobs = new ArrayList<>();
            for (Job<Work, WorkResult> j : batch) {
                Work.Licnn w = (Work.Licnn) j.input();
                jobs.add(
                        ExplainJob.builder()
                                .setTargets(w.targets())
                                .optOptions(w.options())
                                .optMapKinds(w.kinds())
                                .optLayers(w.layers())
                                .optListener(w.listener())
                                .optCancelled(j::isCancelled)
                                .build());
            }
            complete(batch, engine.explainAll(jobs), ctx, t0);
        } else {
            metrics.observeBatch("explain", batch.size());
            List<BaselineJob> jobs = new ArrayList<>();
            for (Job<Work, WorkResult> j : batch) {
                Work.Baseline w = (Work.Baseline) j.input();
                jobs.add(
                        BaselineJob.builder()
                                .setTargets(w.targets())
                                .setMethod(w.method())
                                .optOptions(w.options())
                                .optListener(w.listener())
                                .optCancelled(j::isCancelled)
                                .build());
            }
            complete(batch, new BaselineEngine(engine.network()).explainAll(jobs), ctx, t0);
        }
    }

    private void classify(
            List<Job<Work, WorkResult>> batch,
            Work.Classify first,
            LicnnEngine engine,
            WorkerContext ctx,
            long t0) {
        metrics.observeBatch("classify", batch.size());
        List<float[]> inputs = new ArrayList<>();
        for (Job<Work, WorkResult> j : batch) {
            inputs.add(((Work.Classify) j.input()).input());
        }
        float[][] logits = engine.logits(inputs, first.height(), first.width());
        long dt = System.nanoTime() - t0;
        metrics.computeTime.labelValues("classify_forward").observe(dt / 1e9);
        WorkResult.Timing timing = new WorkResult.Timing(dt, ctx.name(), ctx.device());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(new WorkResult.Logits(logits[i], timing));
        }
    }

    private static void complete(
            List<Job<Work, WorkResult>> batch, List<Outcome> out, WorkerContext ctx, long t0) {
        WorkResult.Timing timing =
                new WorkResult.Timing(System.nanoTime() - t0, ctx.name(), ctx.device());
        for (int i = 0; i < batch.size(); i++) {
            Outcome o = out.get(i);
            if (o.error() != null) {
                batch.get(i).fail(o.error());
            } else {
                batch.get(i).complete(new WorkResult.Explained(o.result(), timing));
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
