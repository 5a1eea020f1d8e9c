package dev.licnn.engine.baseline;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.ScoreMode;
import java.util.Arrays;

/**
 * Options of the baseline attribution methods ({@link Method}); each method reads only its own.
 *
 * <ul>
 *   <li>score: softmax probability (default) or raw logit of the target class;
 *   <li>integrated gradients: {@code igSteps} (default 32) midpoint-Riemann steps from a baseline
 *       image {@code x0}, by default <em>black</em>: a black image after the ImageNet
 *       normalisation, i.e. {@code (0 - mean_c) / std_c} per channel (use {@link
 *       Builder#optIgBaselineBlack(float[], float[])} for another normalisation, {@link
 *       Builder#optIgBaselineZeros()} for the all-zero normalised input, i.e. the mean colour, or
 *       {@link Builder#optIgBaseline(float[])} for explicit values);
 *   <li>SmoothGrad: {@code smoothGradSamples} (default 16), noise level (default 0.15, the
 *       SmoothGrad paper's 10-20%): sigma as a fraction of {@code max(x) - min(x)} of the input,
 *       and the noise {@code seed} (default 0; the noise is drawn by SplitMix64 and Box-Muller, see
 *       the golden fixtures README);
 *   <li>Grad-CAM: the feature ReLU whose output is explained, 0-based, or -1 (default) for the
 *       last.
 * </ul>
 *
 * <pre>{@code
 * BaselineOptions opts = BaselineOptions.builder().optIgSteps(64).optIgBaselineZeros().build();
 * }</pre>
 */
public final class BaselineOptions {

    /** ImageNet channel means (R, G, B) used by the default black baseline. */
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

    /** ImageNet channel standard deviations (R, G, B) used by the default black baseline. */
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final BaselineOptions DEFAULTS = builder().build();

    private final ScoreMode scoreMode;
    private final int igSteps;
    private final float[] igBaseline;
    private final int smoothGradSamples;
    private final double noiseLevel;
    private final long seed;
    private final int gradCamLayer;

    private BaselineOptions(Builder b) {
        this.scoreMode = b.scoreMode;
        this.igSteps = b.igSteps;
        this.igBaseline = b.igBaseline.clone();
        this.smoothGradSamples = b.smoothGradSamples;
        this.noiseLevel = b.noiseLevel;
        this.seed = b.seed;
        this.gradCamLayer = b.gradCamLayer;
    }

    /**
     * Score after softmax, 32 IG steps from black, 16 SmoothGrad samples at 0.15, seed 0, last
     * ReLU.
     */
    public static BaselineOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ScoreMode scoreMode() {
        return scoreMode;
    }

    public int igSteps() {
        return igSteps;
    }

    /** The baseline values as given: 3 per-channel values or a whole 3 x H x W image. */
    public float[] igBaselineValues() {
        return igBaseline.clone();
    }

    /**
     * The baseline image for an {@code h x w} input, CHW.
     *
     * @throws IllegalArgumentException if explicit whole-image values have another size
     */
    public float[] igBaseline(int h, int w) {
        int hw = h * w;
        if (igBaseline.length == 3 * hw) {
            return igBaseline.clone();
        }
        if (igBaseline.length != 3) {
            throw new InvalidInputException(
                    "integrated-gradients baseline holds "
                            + igBaseline.length
                            + " values: expected 3 (one per channel) or 3 x "
                            + h
                            + " x "
                            + w
                            + " = "
                            + 3 * hw);
        }
        float[] out = new float[3 * hw];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(out, c * hw, (c + 1) * hw, igBaseline[c]);
        }
        return out;
    }

    public int smoothGradSamples() {
        return smoothGradSamples;
    }

    /** SmoothGrad sigma as a fraction of {@code max(x) - min(x)}. */
    public double noiseLevel() {
        return noiseLevel;
    }

    public long seed() {
        return seed;
    }

    /** Feature ReLU index explained by Grad-CAM, or -1 for the last. */
    public int gradCamLayer() {
        return gradCamLayer;
    }

    @Override
    public String toString() {
        return "BaselineOptions{score="
                + scoreMode
                + ", igSteps="
                + igSteps
                + ", igBaseline="
                + (igBaseline.length == 3 ? Arrays.toString(igBaseline) : "image")
                + ", samples="
                + smoothGradSamples
                + ", noiseLevel="
                + noiseLevel
                + ", seed="
                + seed
                + ", gradCamLayer="
                + gradCamLayer
                + "}";
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private ScoreMode scoreMode = ScoreMode.AFTER_SOFTMAX;
        private int igSteps = 32;
        private float[] igBaseline = black(IMAGENET_MEAN, IMAGENET_STD);
        private int smoothGradSamples = 16;
        private double noiseLevel = 0.15;
        private long seed;
        private int gradCamLayer = -1;

        private Builder() {}

        public Builder optScoreMode(ScoreMode mode) {
            this.scoreMode = mode;
            return this;
        }

        /** Number of integrated-gradients steps, 1..1024. */
        public Builder optIgSteps(int steps) {
            this.igSteps = steps;
            return this;
        }

        /** Black under the ImageNet normalisation (the default). */
        public Builder optIgBaselineBlack() {
            return optIgBaselineBlack(IMAGENET_MEAN, IMAGENET_STD);
        }

        /** Black under the normalisation {@code (v - mean_c) / std_c}: {@code -mean_c / std_c}. */
        public Builder optIgBaselineBlack(float[] mean, float[] std) {
            if (mean == null || std == null || mean.length != 3 || std.length != 3) {
                throw new InvalidInputException("mean and std must hold 3 values each");
            }
            this.igBaseline = black(mean, std);
            return this;
        }

        /** The all-zero normalised input (the dataset's mean colour). */
        public Builder optIgBaselineZeros() {
            this.igBaseline = new float[3];
            return this;
        }

        /** Explicit normalised baseline: 3 per-channel values or a whole 3 x H x W image (CHW). */
        public Builder optIgBaseline(float[] values) {
            this.igBaseline = values == null ? null : values.clone();
            return this;
        }

        /** Number of SmoothGrad samples, 1..1024. */
        public Builder optSmoothGradSamples(int samples) {
            this.smoothGradSamples = samples;
            return this;
        }

        /** SmoothGrad sigma as a fraction of {@code max(x) - min(x)}, in [0, 10]. */
        public Builder optNoiseLevel(double level) {
            this.noiseLevel = level;
            return this;
        }

        /** Seed of the SmoothGrad noise. */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /** Feature ReLU explained by Grad-CAM (0-based), or -1 for the last. */
        public Builder optGradCamLayer(int layer) {
            this.gradCamLayer = layer;
            return this;
        }

        private static float[] black(float[] mean, float[] std) {
            float[] b = new float[3];
            for (int c = 0; c < 3; c++) {
                if (!(std[c] > 0) || !Float.isFinite(mean[c]) || !Float.isFinite(std[c])) {
                    throw new InvalidInputException(
                            "std must be finite and > 0, mean finite: mean="
                                    + Arrays.toString(mean)
                                    + ", std="
                                    + Arrays.toString(std));
                }
                b[c] = (0f - mean[c]) / std[c];
            }
            return b;
        }

        /**
         * @throws IllegalArgumentException naming the bad option
         */
        public BaselineOptions build() {
            if (scoreMode == null) {
                throw new InvalidInputException("score mode must be set");
            }
            if (igSteps < 1 || igSteps > 1024) {
                throw new InvalidInputException(
                        "integrated-gradients steps must be 1..1024, got " + igSteps);
            }
            if (igBaseline == null || igBaseline.length < 3 || igBaseline.length % 3 != 0) {
                throw new InvalidInputException(
                        "integrated-gradients baseline must hold 3 values or a 3-channel image");
            }
            for (float v : igBaseline) {
                if (!Float.isFinite(v)) {
                    throw new InvalidInputException(
                            "integrated-gradients baseline holds a non-finite value: " + v);
                }
            }
            if (smoothGradSamples < 1 || smoothGradSamples > 1024) {
                throw new InvalidInputException(
                        "SmoothGrad samples must be 1..1024, got " + smoothGradSamples);
            }
            if (!(noiseLevel >= 0 && noiseLevel <= 10)) {
                throw new InvalidInputException(
                        "SmoothGrad noise level must be in [0, 10], got " + noiseLevel);
            }
            if (gradCamLayer < -1) {
                throw new InvalidInputException(
                        "Grad-CAM layer must be >= 0, or -1 for the last, got " + gradCamLayer);
            }
            return new BaselineOptions(this);
        }
    }
}
