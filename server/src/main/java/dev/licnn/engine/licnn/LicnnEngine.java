package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.licnn.engine.model.VggNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Computes LICNN attention and saliency maps ({@code docs/LICNN.md}) for several images at once.
 *
 * <p>One call runs one forward pass of all images with gradient probes after each feature ReLU,
 * then, for each class rank r, one backward pass (activation gradients only, the graph kept for the
 * next rank) that yields the rank-r class's gradients of every image, the lateral-inhibition gates
 * in Java, and one inhibited forward pass of the images that have a rank-r class. Results reach each
 * job's {@link ExplainListener} as soon as they are computed, one class after the other.
 *
 * <p>Not thread-safe: one engine per worker thread. Gradient mode is switched on the calling thread
 * only (libtorch's grad mode is thread-local), so no process-wide collector is involved.
 *
 * <pre>{@code
 * LicnnEngine engine = new LicnnEngine(network);
 * ExplainResult r = engine.explain(ExplainJob.builder().setInput(chw, 224, 224).build());
 * }</pre>
 */
public final class LicnnEngine {

    /** Receives the time of each stage of a call: forward, backward, inhibition, masked_forward, attention. */
    @FunctionalInterface
    public interface StageListener {
        void onStage(String stage, long nanos);
    }

    private final VggNetwork net;
    private final int numClasses;
    private final int reluCount;
    private volatile StageListener stages = (s, n) -> { };

    public LicnnEngine(VggNetwork net) {
        this.net = net;
        this.numClasses = net.spec().numClasses();
        this.reluCount = net.spec().featureReluCount();
    }

    public VggNetwork network() {
        return net;
    }

    /** Sets who is told the duration of each stage (metrics, benchmarks). */
    public void setStageListener(StageListener listener) {
        this.stages = listener == null ? (s, n) -> { } : listener;
    }

    private long stage(String name, long since) {
        long now = System.nanoTime();
        stages.onStage(name, now - since);
        return now;
    }

    /** Explains one image; failures are thrown. */
    public ExplainResult explain(ExplainJob job) {
        Outcome o = explainAll(List.of(job)).get(0);
        if (o.error() != null) {
            if (o.error() instanceof RuntimeException) {
                throw (RuntimeException) o.error();
            }
            throw new IllegalStateException(o.error());
        }
        return o.result();
    }

    /**
     * Explains several images in shared passes. A job that is invalid, cancelled or whose listener
     * throws fails alone; the others go on. Jobs of different input sizes run in separate groups.
     *
     * @return one outcome per job, in order
     */
    public List<Outcome> explainAll(List<ExplainJob> jobs) {
        Outcome[] out = new Outcome[jobs.size()];
        List<JobState> valid = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            ExplainJob j = jobs.get(i);
            try {
                validate(j);
                valid.add(new JobState(i, j));
            } catch (RuntimeException e) {
                out[i] = Outcome.failed(e);
            }
        }
        while (!valid.isEmpty()) {
            int h = valid.get(0).job.targets().height();
            int w = valid.get(0).job.targets().width();
            List<JobState> group = new ArrayList<>();
            List<JobState> rest = new ArrayList<>();
            for (JobState s : valid) {
                (s.job.targets().height() == h && s.job.targets().width() == w ? group : rest).add(s);
            }
            runGroup(group, h, w);
            for (JobState s : group) {
                out[s.index] = s.error != null ? Outcome.failed(s.error) : Outcome.ok(s.result());
            }
            valid = rest;
        }
        return Arrays.asList(out);
    }

    /**
     * Logits of a batch of prepared images (no gradients).
     *
     * @param inputs each 3 x h x w, channel-major
     */
    public float[][] logits(List<float[]> inputs, int h, int w) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = stack(m, inputs, h, w);
            NDArray logits = net.logits(x, null);
            float[] flat = logits.toFloatArray();
            float[][] out = new float[inputs.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * numClasses, (i + 1) * numClasses);
            }
            return out;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private void validate(ExplainJob j) {
        j.targets().validate(numClasses);
    }

    private static NDArray stack(NDManager m, List<float[]> inputs, int h, int w) {
        int per = 3 * h * w;
        float[] all = new float[per * inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, all, i * per, per);
        }
        return m.create(all, new Shape(inputs.size(), 3, h, w));
    }

    private void runGroup(List<JobState> group, int h, int w) {
        boolean gradWas = JniUtils.isGradMode();
        try (NDManager call = net.manager().newSubManager()) {
            List<Shape> shapes = net.spec().featureReluShapes(h, w);
            dropCancelled(group);
            if (group.isEmpty()) {
                return;
            }
            int n = group.size();
            boolean wantBefore = group.stream().anyMatch(s -> s.job.mapKinds().contains(MapKind.RESPONSE_BEFORE));
            List<float[]> inputs = new ArrayList<>();
            for (JobState s : group) {
                inputs.add(s.job.targets().input());
            }
            long t = System.nanoTime();
            NDArray x = stack(call, inputs, h, w);
            NDArray[] probes = new NDArray[reluCount];
            float[][] before = new float[reluCount][];
            JniUtils.setGradMode(true);
            for (int l = 0; l < reluCount; l++) {
                Shape s = shapes.get(l);
                probes[l] = call.zeros(new Shape(n, s.get(0), s.get(1), s.get(2)));
                probes[l].setRequiresGradient(true);
            }
            NDArray pooled = net.features(x, (l, a) -> {
                if (wantBefore) {
                    try (NDArray detached = a.stopGradient(); NDArray sum = detached.sum(new int[] {1})) {
                        before[l] = sum.toFloatArray();
                    }
                }
                return a.add(probes[l]);
            });
            NDArray logits = net.classifier(pooled);
            pooled.close();
            NDArray probs = logits.softmax(1);
            float[] flatLogits = logits.toFloatArray();
            t = stage("forward", t);
            for (int i = 0; i < n; i++) {
                JobState s = group.get(i);
                float[] lg = Arrays.copyOfRange(flatLogits, i * numClasses, (i + 1) * numClasses);
                float[] pr = Ranking.softmax(lg);
                int[] targets = s.job.targets().resolve(lg);
                s.prediction = new Prediction(lg, pr, targets);
                s.before = before;
                s.batchSize = n;
                s.emit(() -> s.job.listener().onPrediction(s.prediction));
            }
            int maxK = group.stream().mapToInt(s -> s.job.targets().count()).max().orElse(0);
            for (int r = 0; r < maxK; r++) {
                dropCancelled(group);
                List<Integer> active = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    JobState s = group.get(i);
                    if (s.error == null && s.job.targets().count() > r) {
                        active.add(i);
                    }
                }
                if (active.isEmpty()) {
                    break;
                }
                boolean last = r == maxK - 1;
                t = System.nanoTime();
                float[][] gradMax = backward(call, group, active, r, logits, probs, probes, !last);
                stage("backward", t);
                gateAndExplain(call, group, active, r, gradMax, shapes, h, w);
            }
            for (JobState s : group) {
                if (s.error == null) {
                    s.finish(h, w);
                }
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }

    private static void dropCancelled(List<JobState> group) {
        for (JobState s : group) {
            if (s.error == null && s.job.isCancelled()) {
                s.error = new CancellationException("cancelled");
            }
        }
    }

    /** Back-propagates the rank-r score of every active image; returns per layer [n * H * W] Max-C maps. */
    private float[][] backward(NDManager call, List<JobState> group, List<Integer> active, int r,
            NDArray logits, NDArray probs, NDArray[] probes, boolean keepGraph) {
        int n = group.size();
        float[] wSoft = new float[n * numClasses];
        float[] wLogit = new float[n * numClasses];
        for (int i : active) {
            JobState s = group.get(i);
            int c = s.prediction.targets()[r];
            (s.job.options().scoreMode() == ScoreMode.AFTER_SOFTMAX ? wSoft : wLogit)[i * numClasses + c] = 1f;
        }
        JniUtils.setGradMode(true);
        if (r > 0) {
            for (NDArray p : probes) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
        try (NDManager step = call.newSubManager()) {
            Shape ls = logits.getShape();
            NDArray target = probs.mul(step.create(wSoft, ls)).sum().add(logits.mul(step.create(wLogit, ls)).sum());
            NDArray seed = step.ones(target.getShape());
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, keepGraph, false);
            JniUtils.setGradMode(false);
            float[][] out = new float[probes.length][];
            for (int l = 0; l < probes.length; l++) {
                try (NDArray g = probes[l].getGradient(); NDArray gm = g.max(new int[] {1})) {
                    out[l] = gm.toFloatArray();
                }
            }
            return out;
        }
    }

    private void gateAndExplain(NDManager call, List<JobState> group, List<Integer> active, int r,
            float[][] gradMax, List<Shape> shapes, int h, int w) {
        long t0 = System.nanoTime();
        int na = active.size();
        float[][] keep = new float[reluCount][];
        boolean anyInhibitLast = false;
        for (int l = 0; l < reluCount; l++) {
            int lh = (int) shapes.get(l).get(1);
            int lw = (int) shapes.get(l).get(2);
            int hw = lh * lw;
            keep[l] = new float[na * hw];
            for (int a = 0; a < na; a++) {
                JobState s = group.get(active.get(a));
                if (s.error != null) {
                    continue;
                }
                LicnnOptions o = s.job.options();
                int classId = s.prediction.targets()[r];
                float[] m = Arrays.copyOfRange(gradMax[l], active.get(a) * hw, (active.get(a) + 1) * hw);
                LateralInhibition.l2NormalizeInPlace(m);
                float[] li = new float[hw];
                LateralInhibition.inhibition(m, lh, lw, o.lizSize(), o.a(), o.b(), li);
                float[] gated = new float[hw];
                float[] k = new float[hw];
                LateralInhibition.gate(m, li, gated, k);
                boolean applies = l < reluCount - 1 || o.inhibitLastRelu();
                if (applies) {
                    System.arraycopy(k, 0, keep[l], a * hw, hw);
                } else {
                    Arrays.fill(keep[l], a * hw, (a + 1) * hw, 1f);
                }
                if (l == reluCount - 1 && o.inhibitLastRelu()) {
                    anyInhibitLast = true;
                }
                final int layer = l;
                if (s.job.wants(MapKind.GRADIENT_MAX_C, l)) {
                    s.emit(() -> s.job.listener().onLayerMap(r, classId, layer, MapKind.GRADIENT_MAX_C, new FloatMap(lh, lw, m)));
                }
                if (s.job.wants(MapKind.INHIBITION, l)) {
                    s.emit(() -> s.job.listener().onLayerMap(r, classId, layer, MapKind.INHIBITION, new FloatMap(lh, lw, li)));
                }
                if (s.job.wants(MapKind.SUPPRESSION_MASK, l)) {
                    s.emit(() -> s.job.listener().onLayerMap(r, classId, layer, MapKind.SUPPRESSION_MASK, new FloatMap(lh, lw, gated)));
                }
                if (s.job.wants(MapKind.RESPONSE_BEFORE, l)) {
                    int row = active.get(a);
                    float[] b = Arrays.copyOfRange(s.before[l], row * hw, (row + 1) * hw);
                    s.emit(() -> s.job.listener().onLayerMap(r, classId, layer, MapKind.RESPONSE_BEFORE, new FloatMap(lh, lw, b)));
                }
            }
        }
        long t = stage("inhibition", t0);
        final boolean maskLast = anyInhibitLast;
        float[][] after = new float[reluCount][];
        float[] logitsAfter;
        try (NDManager step = call.newSubManager()) {
            List<float[]> inputs = new ArrayList<>();
            for (int i : active) {
                inputs.add(group.get(i).job.targets().input());
            }
            NDArray x = stack(step, inputs, h, w);
            NDArray pooled = net.features(x, (l, a) -> {
                NDArray out = a;
                if (l < reluCount - 1 || maskLast) {
                    Shape s = shapes.get(l);
                    try (NDArray k = step.create(keep[l], new Shape(na, 1, s.get(1), s.get(2)))) {
                        out = a.mul(k);
                    }
                }
                try (NDArray sum = out.sum(new int[] {1})) {
                    after[l] = sum.toFloatArray();
                }
                return out;
            });
            try (NDArray lg = net.classifier(pooled)) {
                logitsAfter = lg.toFloatArray();
            }
            pooled.close();
        }
        t = stage("masked_forward", t);
        for (int a = 0; a < na; a++) {
            JobState s = group.get(active.get(a));
            if (s.error != null) {
                continue;
            }
            int classId = s.prediction.targets()[r];
            double[] acc = new double[h * w];
            for (int l = 0; l < reluCount; l++) {
                int lh = (int) shapes.get(l).get(1);
                int lw = (int) shapes.get(l).get(2);
                int hw = lh * lw;
                float[] sl = Arrays.copyOfRange(after[l], a * hw, (a + 1) * hw);
                final int layer = l;
                if (s.job.wants(MapKind.RESPONSE_AFTER, l)) {
                    s.emit(() -> s.job.listener().onLayerMap(r, classId, layer, MapKind.RESPONSE_AFTER, new FloatMap(lh, lw, sl)));
                }
                double factor = 1.0;
                if (s.job.options().perLayerNormalization()) {
                    double nrm = AttentionMaps.norm(sl);
                    factor = nrm > 0 ? 1.0 / nrm : 1.0;
                }
                AttentionMaps.addUpsampled(sl, lh, lw, acc, h, w, factor);
            }
            FloatMap att = new FloatMap(h, w, AttentionMaps.normalized(acc));
            float[] la = Arrays.copyOfRange(logitsAfter, a * numClasses, (a + 1) * numClasses);
            ClassAttention ca = new ClassAttention(r, classId, att, la);
            s.classes.add(ca);
            s.emit(() -> s.job.listener().onAttention(ca));
        }
        stage("attention", t);
    }

    /** The result of one job: a result or an error. */
    public static final class Outcome {
        private final ExplainResult result;
        private final Throwable error;

        private Outcome(ExplainResult result, Throwable error) {
            this.result = result;
            this.error = error;
        }

        /** A successful outcome. */
        public static Outcome ok(ExplainResult r) {
            return new Outcome(r, null);
        }

        /** A failed outcome. */
        public static Outcome failed(Throwable t) {
            return new Outcome(null, t);
        }

        /** The result, or null when the job failed. */
        public ExplainResult result() {
            return result;
        }

        /** Why the job failed, or null. */
        public Throwable error() {
            return error;
        }
    }
}
