package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.Prediction;
import java.util.ArrayList;
import java.util.List;

/** What one engine call knows about one job while it runs. */
final class JobState {

    final int index;
    final ExplainJob job;
    Prediction prediction;
    float[][] before;
    int batchSize;
    final List<ClassAttention> classes = new ArrayList<>();
    Throwable error;
    private FloatMap saliency;

    JobState(int index, ExplainJob job) {
        this.index = index;
        this.job = job;
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

    /** Sums the attention maps into the saliency map and hands it over. */
    void finish(int h, int w) {
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
        saliency = new FloatMap(h, w, AttentionMaps.normalized(acc));
        emit(() -> job.listener().onSaliency(ids.clone(), saliency));
    }

    ExplainResult result() {
        return new ExplainResult(prediction, classes, saliency);
    }
}
