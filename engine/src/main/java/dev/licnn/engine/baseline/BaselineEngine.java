package dev.licnn.engine.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.licnn.engine.explain.Explainer;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.ScoreMode;
import dev.licnn.engine.explain.SizeGroups;
import dev.licnn.engine.model.FeatureNetwork;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Computes baseline attribution maps ({@link Method}) for several images at once, on the same
 * network and with the same listener protocol as the LICNN engine ({@link Explainer}).
 *
 * <p>Every image first goes through one forward pass (its "clean row"); its logits give the {@link
 * dev.licnn.engine.explain.Prediction} and the classes to explain (top-k of the logits, or the
 * explicit classes). Plain gradient, gradient x input and Grad-CAM take their gradients from that
 * same pass. Integrated gradients and SmoothGrad then add one row per step or sample. Rows of all
 * jobs (methods mixed) run in passes of at most {@code maxRowsPerPass} images: one forward pass
 * with the input (or, for Grad-CAM, a zero probe added after the chosen feature ReLU) requiring a
 * gradient, then one backward pass per class rank with the graph kept in between. Weights never
 * require a gradient; every array lives in a per-call sub-manager of the network's manager, and the
 * calling thread's grad mode is restored.
 *
 * <p>Results: {@code onPrediction} after the first pass; when all rows of a job are done, {@code
 * onAttention} per class in rank order, carrying the class's map <em>L2-normalised</em> (like a
 * LICNN attention map) and an <em>empty</em> {@code logitsAfter} (there is no inhibited pass); then
 * {@code onSaliency}, the L2-normalised sum of the per-class maps.
 *
 * <p>Not thread-safe: one engine per worker thread.
 *
 * <pre>{@code
 * BaselineEngine engine = new BaselineEngine(network);
 * ExplainResult r = engine.explain(BaselineJob.builder().setInput(chw, 224, 224)
 *         .setMethod(Method.SMOOTHGRAD).optTopK(3).build());
 * }</pre>
 */
public final class BaselineEngine implements Explainer<BaselineJob> {

    /** Default largest number of images in one forward/backward pass. */
    public static final int DEFAULT_MAX_ROWS_PER_PASS = 16;

    private final FeatureNetwork net;
    private final int numClasses;
    private final int reluCount;
    private final int maxRows;
    private long passes;

    public BaselineEngine(FeatureNetwork net) {
        this(net, DEFAULT_MAX_ROWS_PER_PASS);
    }

    /**
     * @param maxRowsPerPass the most images in one pass (bounds memory), at least 1
     */
    public BaselineEngine(FeatureNetwork net, int maxRowsPerPass) {
        if (maxRowsPerPass < 1) {
            throw new IllegalArgumentException(
                    "rows per pass must be at least 1, got " + maxRowsPerPass);
        }
        this.net = net;
        this.numClasses = net.architecture().numClasses();
        this.reluCount = net.architecture().featureReluCount();
        this.maxRows = maxRowsPerPass;
    }

    public FeatureNetwork network() {
        return net;
    }

    /** Forward passes run so far (for tests: work stops when jobs are cancelled). */
    long passCount() {
        return passes;
    }

    /**
     * Explains several images in shared passes. A job that is invalid, cancelled or whose listener
     * throws fails alone; the others go on. Jobs of different input sizes run in separate groups.
     *
     * @return one outcome per job, in order
     */
    @Override
    public List<Outcome> explainAll(List<BaselineJob> jobs) {
        return SizeGroups.explainAll(jobs, this::start, this::runGroup);
    }

    private JobRun start(BaselineJob j) {
        j.targets().validate(numClasses);
        return new JobRun(j, reluCount);
    }

    /**
     * One image of a pass: row {@code row} of job {@code run} ({@link JobRun#CLEAN} or a
     * step/sample).
     */
    private static final class Row {
        final JobRun run;
        final int row;

        Row(JobRun run, int row) {
            this.run = run;
            this.row = row;
        }
    }

    private void runGroup(List<JobRun> group, int h, int w) {
        boolean gradWas = JniUtils.isGradMode();
        try (NDManager call = net.manager().newSubManager()) {
            Deque<Row> queue = new ArrayDeque<>();
            for (JobRun s : group) {
                queue.add(new Row(s, JobRun.CLEAN));
                s.setPendingRows(1 + s.extraRows());
            }
            for (JobRun s : group) {
                for (int i = 0; i < s.extraRows(); i++) {
                    queue.add(new Row(s, i));
                }
            }
            while (!queue.isEmpty()) {
                dropCancelled(group);
                List<Row> chunk = new ArrayList<>();
                while (!queue.isEmpty() && chunk.size() < maxRows) {
                    Row r = queue.poll();
                    if (r.run.error == null) {
                        chunk.add(r);
                    }
                }
                if (!chunk.isEmpty()) {
                    runPass(call, chunk, h, w);
                }
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }

    private static void dropCancelled(List<JobRun> group) {
        for (JobRun s : group) {
            if (s.error == null && s.job.isCancelled()) {
                s.error = new CancellationException("cancelled");
            }
        }
    }

    /** One forward pass of {@code chunk}, one backward pass per class rank, then finished jobs. */
    private void runPass(NDManager call, List<Row> chunk, int h, int w) {
        passes++;
        int n = chunk.size();
        int per = 3 * h * w;
        boolean inputGrad = false;
        boolean[] camLayers = new boolean[reluCount];
        for (Row r : chunk) {
            if (r.run.needsGradient(r.row)) {
                if (r.run.method.usesInputGradient()) {
                    inputGrad = true;
                } else {
                    camLayers[r.run.camLayer] = true;
                }
            }
        }
        try (NDManager step = call.newSubManager()) {
            float[] all = new float[n * per];
            for (int i = 0; i < n; i++) {
                chunk.get(i).run.writeInput(chunk.get(i).row, all, i * per);
            }
            NDArray x = step.create(all, new Shape(n, 3, h, w));
            JniUtils.setGradMode(true);
            if (inputGrad) {
                x.setRequiresGradient(true);
            }
            NDArray[] probes = new NDArray[reluCount];
            float[][] acts = new float[reluCount][];
            NDArray pooled =
                    net.features(
                            x,
                            (l, a) -> {
                                if (!camLayers[l]) {
                                    return a;
                                }
                                try (NDArray d = a.stopGradient()) {
                                    acts[l] = d.toFloatArray();
                                }
                                probes[l] = step.zeros(a.getShape());
                                probes[l].setRequiresGradient(true);
                                return a.add(probes[l]);
                            });
            NDArray logits = net.classifier(pooled);
            pooled.close();
            float[] flat = logits.toFloatArray();
            for (int i = 0; i < n; i++) {
                Row r = chunk.get(i);
                if (r.row == JobRun.CLEAN && r.run.error == null) {
                    JobRun s = r.run;
                    s.predict(Arrays.copyOfRange(flat, i * numClasses, (i + 1) * numClasses));
                    s.emit(() -> s.job.listener().onPrediction(s.prediction));
                }
            }
            for (Row r : chunk) {
                if (r.run.error == null && r.run.job.isCancelled()) {
                    r.run.error = new CancellationException("cancelled");
                }
            }
            backward(step, chunk, x, logits, probes, acts, inputGrad);
            JniUtils.setGradMode(true);
        }
        for (Row r : chunk) {
            if (r.run.rowDone() && r.run.error == null) {
                r.run.finish();
            }
        }
    }

    private void backward(
            NDManager step,
            List<Row> chunk,
            NDArray x,
            NDArray logits,
            NDArray[] probes,
            float[][] acts,
            boolean inputGrad) {
        int n = chunk.size();
        int maxK = 0;
        for (Row r : chunk) {
            if (r.run.error == null && r.run.needsGradient(r.row)) {
                maxK = Math.max(maxK, r.run.targets.length);
            }
        }
        if (maxK == 0) {
            return;
        }
        NDArray probs = logits.softmax(1);
        Shape ls = logits.getShape();
        int per = (int) (x.getShape().size() / n);
        for (int rank = 0; rank < maxK; rank++) {
            float[] wSoft = new float[n * numClasses];
            float[] wLogit = new float[n * numClasses];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                JobRun s = chunk.get(i).run;
                if (s.error == null
                        && s.needsGradient(chunk.get(i).row)
                        && s.targets.length > rank) {
                    float[] wt =
                            s.job.options().scoreMode() == ScoreMode.AFTER_SOFTMAX ? wSoft : wLogit;
                    wt[i * numClasses + s.targets[rank]] = 1f;
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            JniUtils.setGradMode(true);
            if (rank > 0) {
                if (inputGrad) {
                    JniUtils.zeroGrad((PtNDArray) x);
                }
                for (NDArray p : probes) {
                    if (p != null) {
                        JniUtils.zeroGrad((PtNDArray) p);
                    }
                }
            }
            try (NDManager sub = step.newSubManager()) {
                NDArray target =
                        probs.mul(sub.create(wSoft, ls))
                                .sum()
                                .add(logits.mul(sub.create(wLogit, ls)).sum());
                NDArray seed = sub.ones(target.getShape());
                JniUtils.backward((PtNDArray) target, (PtNDArray) seed, rank < maxK - 1, false);
                JniUtils.setGradMode(false);
                float[] gx = null;
                if (inputGrad) {
                    try (NDArray g = x.getGradient()) {
                        gx = g.toFloatArray();
                    }
                }
                float[][] gl = new float[reluCount][];
                for (int l = 0; l < reluCount; l++) {
                    if (probes[l] != null) {
                        try (NDArray g = probes[l].getGradient()) {
                            gl[l] = g.toFloatArray();
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    Row r = chunk.get(i);
                    JobRun s = r.run;
                    if (s.error != null || !s.needsGradient(r.row) || s.targets.length <= rank) {
                        continue;
                    }
                    if (s.method.usesInputGradient()) {
                        s.addInputGradient(rank, gx, i * per);
                    } else {
                        Shape as = probes[s.camLayer].getShape();
                        int c = (int) as.get(1);
                        int lh = (int) as.get(2);
                        int lw = (int) as.get(3);
                        s.setCam(
                                rank, gl[s.camLayer], acts[s.camLayer], i * c * lh * lw, c, lh, lw);
                    }
                }
            }
        }
    }
}
