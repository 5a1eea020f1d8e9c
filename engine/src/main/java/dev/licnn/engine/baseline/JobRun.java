package dev.licnn.engine.baseline;

import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.explain.Prediction;
import dev.licnn.engine.explain.Ranking;
import dev.licnn.engine.explain.SizeGroups;
import dev.licnn.engine.explain.Targets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one engine call knows about one job while it runs: its rows (the inputs whose gradients it
 * needs), the per-class gradient sums or Grad-CAM maps, and the results handed to its listener.
 */
final class JobRun implements SizeGroups.Member {

    /** Row index of the unmodified input (first forward pass: prediction and plain gradients). */
    static final int CLEAN = -1;

    private static final float[] NO_LOGITS = new float[0];

    final BaselineJob job;
    final Method method;
    final int h;
    final int w;
    final int hw;

    /** Feature ReLU explained by Grad-CAM, resolved (-1 when the method is not Grad-CAM). */
    final int camLayer;

    private final float[] x0;
    private final double sigma;
    private int pendingRows;
    Prediction prediction;
    int[] targets;
    private double[][] gradSum;
    private float[][] cams;
    private int camH;
    private int camW;
    Throwable error;
    private final List<ClassAttention> classes = new ArrayList<>();
    private FloatMap saliency;

    JobRun(BaselineJob job, int reluCount) {
        this.job = job;
        this.method = job.method();
        this.h = job.targets().height();
        this.w = job.targets().width();
        this.hw = h * w;
        BaselineOptions o = job.options();
        int layer = o.gradCamLayer() < 0 ? reluCount - 1 : o.gradCamLayer();
        if (method == Method.GRAD_CAM && layer >= reluCount) {
            throw new IllegalArgumentException(
                    "Grad-CAM layer "
                            + layer
                            + " does not exist: the model has feature ReLUs 0.."
                            + (reluCount - 1));
        }
        this.camLayer = method == Method.GRAD_CAM ? layer : -1;
        this.x0 = method == Method.INTEGRATED_GRADIENTS ? o.igBaseline(h, w) : null;
        this.sigma =
                method == Method.SMOOTHGRAD ? o.noiseLevel() * range(job.targets().input()) : 0;
    }

    private static double range(float[] x) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return (double) max - min;
    }

    /** Rows after the clean one: integrated-gradients steps or SmoothGrad samples. */
    int extraRows() {
        switch (method) {
            case INTEGRATED_GRADIENTS:
                return job.options().igSteps();
            case SMOOTHGRAD:
                return job.options().smoothGradSamples();
            default:
                return 0;
        }
    }

    void setPendingRows(int n) {
        pendingRows = n;
    }

    /** Counts a processed row; true when this was the last one. */
    boolean rowDone() {
        return --pendingRows == 0;
    }

    /** Whether the gradients of this row contribute to the maps. */
    boolean needsGradient(int row) {
        return row != CLEAN
                || method == Method.GRADIENT
                || method == Method.GRADIENT_X_INPUT
                || method == Method.GRAD_CAM;
    }

    /** The input of {@code row}, written into {@code out} from {@code offset}. */
    void writeInput(int row, float[] out, int offset) {
        float[] x = job.targets().input();
        int n = 3 * hw;
        if (row == CLEAN) {
            System.arraycopy(x, 0, out, offset, n);
        } else if (method == Method.INTEGRATED_GRADIENTS) {
            float alpha = (float) ((row + 0.5) / job.options().igSteps());
            for (int i = 0; i < n; i++) {
                out[offset + i] = x0[i] + alpha * (x[i] - x0[i]);
            }
        } else {
            float[] noise = new float[n];
            GaussianNoise.fill(job.options().seed(), (long) row * n, sigma, noise);
            for (int i = 0; i < n; i++) {
                out[offset + i] = x[i] + noise[i];
            }
        }
    }

    /** Records the first-pass logits and the classes to explain. */
    void predict(float[] logits) {
        targets = job.targets().resolve(logits);
        prediction = new Prediction(logits, Ranking.softmax(logits), targets);
        if (method == Method.GRAD_CAM) {
            cams = new float[targets.length][];
        } else {
            gradSum = new double[targets.length][];
        }
    }

    /** Adds the input gradient of class rank {@code r}, read from {@code g} at {@code offset}. */
    void addInputGradient(int r, float[] g, int offset) {
        int n = 3 * hw;
        if (gradSum[r] == null) {
            gradSum[r] = new double[n];
        }
        double[] acc = gradSum[r];
        for (int i = 0; i < n; i++) {
            acc[i] += g[offset + i];
        }
    }

    /** Stores the Grad-CAM map of class rank {@code r} from the layer's gradient and activation. */
    void setCam(int r, float[] grad, float[] act, int offset, int channels, int lh, int lw) {
        cams[r] = BaselineMaps.gradCam(grad, act, offset, channels, lh * lw);
        camH = lh;
        camW = lw;
    }

    /** Hands something to the listener; a listener that throws fails this job alone. */
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

    /** Turns the sums into per-class maps and the saliency map, handing each to the listener. */
    void finish() {
        double[] acc = new double[hw];
        for (int r = 0; r < targets.length && error == null; r++) {
            float[] map = BaselineMaps.normalized(classMap(r));
            for (int p = 0; p < hw; p++) {
                acc[p] += map[p];
            }
            ClassAttention ca =
                    new ClassAttention(r, targets[r], new FloatMap(h, w, map), NO_LOGITS);
            classes.add(ca);
            emit(() -> job.listener().onAttention(ca));
        }
        saliency = new FloatMap(h, w, BaselineMaps.normalized(acc));
        int[] ids = targets.clone();
        emit(() -> job.listener().onSaliency(ids, saliency));
    }

    private double[] classMap(int r) {
        BaselineOptions o = job.options();
        switch (method) {
            case GRADIENT:
                return BaselineMaps.maxAbsOverChannels(gradSum[r], hw, 1.0);
            case SMOOTHGRAD:
                return BaselineMaps.maxAbsOverChannels(gradSum[r], hw, 1.0 / o.smoothGradSamples());
            case GRADIENT_X_INPUT:
                return BaselineMaps.sumProductOverChannels(
                        gradSum[r], job.targets().input(), hw, 1.0);
            case INTEGRATED_GRADIENTS:
                {
                    float[] x = job.targets().input();
                    float[] delta = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        delta[i] = x[i] - x0[i];
                    }
                    return BaselineMaps.sumProductOverChannels(
                            gradSum[r], delta, hw, 1.0 / o.igSteps());
                }
            case GRAD_CAM:
                return BaselineMaps.resizeBilinear(cams[r], camH, camW, h, w);
            default:
                throw new IllegalStateException("unknown method " + method);
        }
    }

    @Override
    public Targets targets() {
        return job.targets();
    }

    @Override
    public Outcome outcome() {
        return error != null
                ? Outcome.failed(error)
                : Outcome.ok(new ExplainResult(prediction, classes, saliency));
    }
}
