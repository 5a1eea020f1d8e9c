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
import dev.licnn.engine.explain.SizeGroups;
import dev.licnn.engine.model.FeatureNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    private final FeatureNetwork net;
    private final EngineConfig config;
    private final int numClasses;
    private final int reluCount;
    private volatile StageListener stages = (s, n) -> {};

    /**
     * An engine with the setting that is fastest on the network's device ({@link
     * EngineConfig#forDevice}).
     */
    public LicnnEngine(FeatureNetwork net) {
        this(net, EngineConfig.forDevice(net.device()));
    }

    public LicnnEngine(FeatureNetwork net, EngineConfig config) {
        this.net = net;
        this.config = config;
        this.numClasses = net.architecture().numClasses();
        this.reluCount = net.architecture().featureReluCount();
    }

    public FeatureNetwork network() {
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
        return SizeGroups.explainAll(jobs, this::start, this::runGroup);
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

    private JobProgress start(ExplainJob j) {
        j.targets().validate(numClasses);
        return new JobProgress(j);
    }

    private static NDArray stack(NDManager m, List<float[]> inputs, int h, int w) {
        int per = 3 * h * w;
        float[] all = new float[per * inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, all, i * per, per);
        }
        return m.create(all, new Shape(inputs.size(), 3, h, w));
    }

    /** What the forward step leaves for the later steps of a group. */
    private record Forward(
            NDArray x, NDArray pooled, NDArray[] probes, List<PredictedJob> jobs, int maxK) {}

    /**
     * One group of jobs of one input size, in the steps of {@code docs/LICNN.md}: the forward pass
     * (step 1), the seeds of every rank's backward pass, each rank r (steps 2-5), and the saliency
     * maps.
     */
    private void runGroup(List<JobProgress> group, int h, int w) {
        boolean gradWas = JniUtils.isGradMode();
        try (NDManager call = net.manager().newSubManager()) {
            dropCancelled(group);
            List<Shape> shapes = net.architecture().featureReluShapes(h, w);
            Forward f = forward(call, group, shapes, h, w);
            long t = System.nanoTime();
            NDArray seeds = classifierGradients(call, f.jobs(), f.pooled(), f.maxK());
            stage("backward", t);
            ranks(call, f, seeds, shapes, h, w);
            for (JobProgress p : group) {
                p.finish(h, w);
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }

    /**
     * Step 1: one forward pass of the group's images with a zero probe added after each feature
     * ReLU (its gradient is dScore/dA), the Sum-C responses of the pass when a job streams them,
     * and each job's prediction, handed to its listener.
     */
    private Forward forward(
            NDManager call, List<JobProgress> group, List<Shape> shapes, int h, int w) {
        int n = group.size();
        boolean wantBefore =
                group.stream().anyMatch(p -> p.job().mapKinds().contains(MapKind.RESPONSE_BEFORE));
        List<float[]> inputs = new ArrayList<>();
        for (JobProgress p : group) {
            inputs.add(p.targets().input());
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
        stage("forward", t);
        List<PredictedJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JobProgress p = group.get(i);
            float[] lg = Arrays.copyOfRange(flatLogits, i * numClasses, (i + 1) * numClasses);
            Prediction pr = new Prediction(lg, Ranking.softmax(lg), p.targets().resolve(lg));
            jobs.add(p.predicted(i, pr, before));
        }
        int maxK = group.stream().mapToInt(p -> p.targets().count()).max().orElse(0);
        return new Forward(x, pooled, probes, List.copyOf(jobs), maxK);
    }

    /**
     * Steps 2-5 for every rank r: the backward pass of each image's rank-r score to its Max-C maps,
     * then the gates, the inhibited forward pass and the attention maps ({@link InhibitedPasses}),
     * either rank by rank or, with {@link EngineConfig#batchClasses()}, once for every rank.
     */
    private void ranks(NDManager call, Forward f, NDArray seeds, List<Shape> shapes, int h, int w) {
        List<PredictedJob> jobs = f.jobs();
        int maxK = f.maxK();
        InhibitedPasses passes = new InhibitedPasses(net, config, shapes, this::stage);
        // Batching the inhibited passes holds every class's maps back until the last class is
        // done; a group in which a client watches layer maps stream runs rank by rank, so they
        // arrive as computed.
        boolean batchClasses =
                config.batchClasses() && jobs.stream().allMatch(j -> j.job().mapKinds().isEmpty());
        List<InhibitedPasses.Row> pendingRows = new ArrayList<>();
        List<NDArray[]> pendingMaps = new ArrayList<>();
        for (int r = 0; r < maxK; r++) {
            for (PredictedJob j : jobs) {
                j.progress().checkCancelled();
            }
            List<InhibitedPasses.Row> rows = new ArrayList<>();
            for (PredictedJob j : jobs) {
                if (j.running() && j.job().targets().count() > r) {
                    rows.add(new InhibitedPasses.Row(j, r));
                }
            }
            if (rows.isEmpty()) {
                break;
            }
            boolean last = r == maxK - 1;
            long t = System.nanoTime();
            NDArray[] maxC = backward(call, rows, jobs.size(), r, f, seeds, !last);
            stage("backward", t);
            if (batchClasses) {
                pendingRows.addAll(rows);
                pendingMaps.add(maxC);
            } else {
                passes.run(call, rows, maxC, f.x(), h, w);
            }
        }
        if (!pendingRows.isEmpty()) {
            passes.run(call, pendingRows, concatLayers(pendingMaps), f.x(), h, w);
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

    private static void dropCancelled(List<JobProgress> group) {
        for (JobProgress p : group) {
            p.checkCancelled();
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
            NDManager call, List<PredictedJob> jobs, NDArray pooled, int maxK) {
        int n = jobs.size();
        int rows = n * maxK;
        float[] wSoft = new float[rows * numClasses];
        float[] wLogit = new float[rows * numClasses];
        for (int i = 0; i < n; i++) {
            PredictedJob s = jobs.get(i);
            if (!s.running()) {
                continue;
            }
            int[] targets = s.prediction().targets();
            for (int r = 0; r < targets.length && r < maxK; r++) {
                int row = i * maxK + r;
                (s.options().scoreMode() == ScoreMode.AFTER_SOFTMAX ? wSoft : wLogit)
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
            List<InhibitedPasses.Row> active,
            int n,
            int r,
            Forward f,
            NDArray seeds,
            boolean keepGraph) {
        NDArray pooled = f.pooled();
        NDArray[] probes = f.probes();
        int maxK = f.maxK();
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

    /** The rows of {@code a} of the given rows' images, as a new array. */
    private static NDArray rows(NDArray a, List<InhibitedPasses.Row> active) {
        NDList parts = new NDList(active.size());
        for (InhibitedPasses.Row row : active) {
            int i = row.image();
            parts.add(a.get(new NDIndex("{}:{}", i, i + 1)));
        }
        try (parts) {
            return NDArrays.concat(parts, 0);
        }
    }
}
