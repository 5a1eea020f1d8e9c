package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.licnn.engine.explain.Explainer;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.Ranking;
import dev.licnn.engine.explain.ScoreMode;
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
 * next rank) that yields the rank-r class's Max-C maps of every image on the device. The
 * lateral-inhibition gates, the inhibited forward pass and the attention maps follow ({@link
 * InhibitedPasses}), either rank by rank or, with {@link EngineConfig#batchClasses()}, once for
 * every class of every image (not when a job of the group streams layer maps: those arrive as they
 * are computed). Results reach each job's {@link MapListener} class by class.
 *
 * <p>Not thread-safe: one engine per worker thread. Gradient mode is switched on the calling thread
 * only (libtorch's grad mode is thread-local), so no process-wide collector is involved.
 *
 * <pre>{@code
 * LicnnEngine engine = new LicnnEngine(network);
 * ExplainResult r = engine.explain(ExplainJob.builder().setInput(chw, 224, 224).build());
 * }</pre>
 */
public final class LicnnEngine implements Explainer<ExplainJob> {

    /**
     * Receives the time of each stage of a call: forward, backward, inhibition, masked_forward,
     * attention.
     */
    @FunctionalInterface
    public interface StageListener {
        void onStage(String stage, long nanos);
    }

    private final VggNetwork net;
    private final EngineConfig config;
    private final int numClasses;
    private final int reluCount;
    private volatile StageListener stages = (s, n) -> {};

    /**
     * An engine with the setting that is fastest on the network's device ({@link
     * EngineConfig#forDevice}).
     */
    public LicnnEngine(VggNetwork net) {
        this(net, EngineConfig.forDevice(net.device()));
    }

    public LicnnEngine(VggNetwork net, EngineConfig config) {
        this.net = net;
        this.config = config;
        this.numClasses = net.spec().numClasses();
        this.reluCount = net.spec().featureReluCount();
    }

    public VggNetwork network() {
        return net;
    }

    public EngineConfig config() {
        return config;
    }

    /** Sets who is told the duration of each stage (metrics, benchmarks). */
    public void setStageListener(StageListener listener) {
        this.stages = listener == null ? (s, n) -> {} : listener;
    }

    private long stage(String name, long since) {
        long now = System.nanoTime();
        stages.onStage(name, now - since);
        return now;
    }

    /**
     * Explains several images in shared passes. A job that is invalid, cancelled or whose listener
     * throws fails alone; the others go on. Jobs of different input sizes run in separate groups.
     *
     * @return one outcome per job, in order
     */
    @Override
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
                (s.job.targets().height() == h && s.job.targets().width() == w ? group : rest)
                        .add(s);
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
            boolean wantBefore =
                    group.stream()
                            .anyMatch(s -> s.job.mapKinds().contains(MapKind.RESPONSE_BEFORE));
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
            NDArray pooled =
                    net.features(
                            x,
                            (l, a) -> {
                                if (wantBefore) {
                                    try (NDArray detached = a.stopGradient();
                                            NDArray sum = detached.sum(new int[] {1})) {
                                        before[l] = sum.toFloatArray();
                                    }
                                }
                                return a.add(probes[l]);
                            });
            float[] flatLogits;
            try (NDArray detached = pooled.stopGradient();
                    NDArray logits = net.classifier(detached)) {
                flatLogits = logits.toFloatArray();
            }
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
            InhibitedPasses passes = new InhibitedPasses(net, config, shapes, this::stage);
            // Batching the inhibited passes holds every class's maps back until the last class is
            // done; a
            // group in which a client watches layer maps stream runs rank by rank, so they arrive
            // as computed.
            boolean batchClasses =
                    config.batchClasses()
                            && group.stream().allMatch(s -> s.job.mapKinds().isEmpty());
            List<InhibitedPasses.Row> pendingRows = new ArrayList<>();
            List<NDArray[]> pendingMaps = new ArrayList<>();
            t = System.nanoTime();
            NDArray seeds = classifierGradients(call, group, pooled, maxK);
            stage("backward", t);
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
                NDArray[] maxC = backward(call, active, n, r, pooled, seeds, maxK, probes, !last);
                stage("backward", t);
                List<InhibitedPasses.Row> rows = new ArrayList<>();
                for (int i : active) {
                    rows.add(new InhibitedPasses.Row(group.get(i), i, r));
                }
                if (batchClasses) {
                    pendingRows.addAll(rows);
                    pendingMaps.add(maxC);
                } else {
                    passes.run(call, rows, maxC, x, h, w);
                }
            }
            if (!pendingRows.isEmpty()) {
                passes.run(call, pendingRows, concatLayers(pendingMaps), x, h, w);
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

    /**
     * Per layer, the rank-by-rank Max-C maps stacked along the first axis; the parts are closed.
     */
    private NDArray[] concatLayers(List<NDArray[]> perRank) {
        if (perRank.size() == 1) {
            return perRank.get(0);
        }
        NDArray[] out = new NDArray[reluCount];
        for (int l = 0; l < reluCount; l++) {
            NDList parts = new NDList(perRank.size());
            for (NDArray[] a : perRank) {
                parts.add(a[l]);
            }
            try (parts) {
                out[l] = NDArrays.concat(parts, 0);
            }
        }
        return out;
    }

    private static void dropCancelled(List<JobState> group) {
        for (JobState s : group) {
            if (s.error == null && s.job.isCancelled()) {
                s.error = new CancellationException("cancelled");
            }
        }
    }

    /**
     * The gradient of every image's rank-r score with respect to its pooled features, for every
     * rank at once: the classifier runs on the pooled features repeated {@code maxK} times (row
     * {@code i * maxK + r} for image i, rank r) and one backward pass through it yields all of
     * them. The classifier's weights are read once for all ranks instead of once per rank (for
     * VGG-16, fc6 alone is 400 MB), and each rank's backward pass then starts at the pooled
     * features.
     *
     * @return n*maxK x C x 7 x 7 on the device; rows of an image without rank r (or failed) are
     *     zero
     */
    private NDArray classifierGradients(
            NDManager call, List<JobState> group, NDArray pooled, int maxK) {
        int n = group.size();
        int rows = n * maxK;
        float[] wSoft = new float[rows * numClasses];
        float[] wLogit = new float[rows * numClasses];
        for (int i = 0; i < n; i++) {
            JobState s = group.get(i);
            if (s.error != null) {
                continue;
            }
            int[] targets = s.prediction.targets();
            for (int r = 0; r < targets.length && r < maxK; r++) {
                int row = i * maxK + r;
                (s.job.options().scoreMode() == ScoreMode.AFTER_SOFTMAX ? wSoft : wLogit)
                                [row * numClasses + targets[r]] =
                        1f;
            }
        }
        JniUtils.setGradMode(true);
        try (NDManager step = call.newSubManager()) {
            NDArray detached = pooled.stopGradient();
            detached.attach(step);
            NDArray rep = maxK == 1 ? detached.duplicate() : detached.repeat(0, maxK);
            rep.attach(step);
            rep.setRequiresGradient(true);
            NDArray logits = net.classifier(rep);
            logits.attach(step);
            Shape ls = logits.getShape();
            NDArray target =
                    logits.softmax(1)
                            .mul(step.create(wSoft, ls))
                            .sum()
                            .add(logits.mul(step.create(wLogit, ls)).sum());
            JniUtils.backward(
                    (PtNDArray) target, (PtNDArray) step.ones(target.getShape()), false, false);
            NDArray g = rep.getGradient();
            g.attach(call);
            return g;
        }
    }

    /**
     * Back-propagates the rank-r score of every active image from the pooled features, seeded with
     * its gradient there ({@link #classifierGradients}).
     *
     * @return per layer, the Max-C maps of the active images (active x 1 x H x W) on the device
     */
    private NDArray[] backward(
            NDManager call,
            List<Integer> active,
            int n,
            int r,
            NDArray pooled,
            NDArray seeds,
            int maxK,
            NDArray[] probes,
            boolean keepGraph) {
        JniUtils.setGradMode(true);
        if (r > 0) {
            for (NDArray p : probes) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
        try (NDManager step = call.newSubManager()) {
            NDArray seed;
            if (maxK == 1) {
                seed = seeds;
            } else {
                Shape ps = pooled.getShape();
                try (NDArray grouped = seeds.reshape(n, maxK, ps.size() / n);
                        NDArray rank = grouped.get(new NDIndex(":, {}", r))) {
                    seed = rank.reshape(ps);
                }
                seed.attach(step);
            }
            JniUtils.backward((PtNDArray) pooled, (PtNDArray) seed, keepGraph, false);
            JniUtils.setGradMode(false);
            NDArray[] out = new NDArray[probes.length];
            for (int l = 0; l < probes.length; l++) {
                try (NDArray g = probes[l].getGradient()) {
                    NDArray gm = g.max(new int[] {1}, true);
                    if (active.size() == n) {
                        out[l] = gm;
                    } else {
                        try (gm) {
                            out[l] = rows(gm, active);
                        }
                    }
                }
            }
            return out;
        }
    }

    /** The given rows of {@code a} as a new array. */
    private static NDArray rows(NDArray a, List<Integer> active) {
        NDList parts = new NDList(active.size());
        for (int i : active) {
            parts.add(a.get(new NDIndex("{}:{}", i, i + 1)));
        }
        try (parts) {
            return NDArrays.concat(parts, 0);
        }
    }
}
