package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.SizeGroups;
import dev.licnn.engine.explain.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * How far one job of an engine call has come: its prediction once the forward step has made it, the
 * attention maps handed over so far, the saliency map, or why it failed. The steps of the call
 * change it only through these methods; they read a job through its immutable {@link PredictedJob}.
 */
final class JobProgress implements SizeGroups.Member {

    private final ExplainJob job;
    private final List<ClassAttention> classes = new ArrayList<>();
    private Prediction prediction;
    private FloatMap saliency;
    private Throwable error;

    JobProgress(ExplainJob job) {
        this.job = job;
    }

    ExplainJob job() {
        return job;
    }

    @Override
    public Targets targets() {
        return job.targets();
    }

    /** Whether the job has failed (invalid, cancelled, or its listener threw). */
    boolean failed() {
        return error != null;
    }

    /** Fails the job with a cancellation if its client has cancelled it. */
    void checkCancelled() {
        if (error == null && job.isCancelled()) {
            error = new CancellationException("cancelled");
        }
    }

    /** Records the prediction of the forward step and hands it to the listener. */
    PredictedJob predicted(int image, Prediction p, float[][] before) {
        this.prediction = p;
        emit(() -> job.listener().onPrediction(p));
        return new PredictedJob(job, image, p, before, this);
    }

    /** Hands something to the job's listener; a listener that throws fails this job alone. */
    void emit(Runnable r) {
        if (error != null) {
            return;
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            error = e;
        }
    }

    /** Keeps a class's attention map and hands it to the listener. */
    void attention(ClassAttention ca) {
        classes.add(ca);
        emit(() -> job.listener().onAttention(ca));
    }

    /** Sums the attention maps into the saliency map and hands it over. */
    void finish(int h, int w) {
        if (error != null) {
            return;
        }
        double[] acc = new double[h * w];
        int[] ids = new int[classes.size()];
        for (int i = 0; i < ids.length; i++) {
            ClassAttention c = classes.get(i);
            ids[i] = c.classId();
            float[] a = c.attention().data();
            for (int p = 0; p < acc.length; p++) {
                acc[p] += a[p];
            }
        }
        FloatMap s = new FloatMap(h, w, AttentionMaps.normalized(acc));
        saliency = s;
        emit(() -> job.listener().onSaliency(ids.clone(), s));
    }

    @Override
    public Outcome outcome() {
        return error != null
                ? Outcome.failed(error)
                : Outcome.ok(new ExplainResult(prediction, classes, saliency));
    }
}
