package dev.licnn.engine.licnn;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.ScoreMode;

/**
 * Options of the LICNN algorithm ({@code docs/LICNN.md}); the defaults are the reference code's.
 *
 * <pre>{@code
 * LicnnOptions opts = LicnnOptions.builder().optScoreMode(ScoreMode.BEFORE_SOFTMAX).optLizSize(5).build();
 * }</pre>
 */
public final class LicnnOptions {

    private static final LicnnOptions DEFAULTS = builder().build();

    private final ScoreMode scoreMode;
    private final boolean inhibitLastRelu;
    private final boolean perLayerNormalization;
    private final int lizSize;
    private final float a;
    private final float b;

    private LicnnOptions(Builder bld) {
        this.scoreMode = bld.scoreMode;
        this.inhibitLastRelu = bld.inhibitLastRelu;
        this.perLayerNormalization = bld.perLayerNormalization;
        this.lizSize = bld.lizSize;
        this.a = bld.a;
        this.b = bld.b;
    }

    /**
     * Score after softmax, last ReLU not inhibited, no per-layer normalisation, LIZ 7, a 0.1, b
     * 0.9.
     */
    public static LicnnOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these options. */
    public Builder toBuilder() {
        return builder()
                .optScoreMode(scoreMode)
                .optInhibitLastRelu(inhibitLastRelu)
                .optPerLayerNormalization(perLayerNormalization)
                .optLizSize(lizSize)
                .optA(a)
                .optB(b);
    }

    public ScoreMode scoreMode() {
        return scoreMode;
    }

    /** Whether the second pass also zeroes suppressed locations after the last feature ReLU. */
    public boolean inhibitLastRelu() {
        return inhibitLastRelu;
    }

    /** Whether each layer's Sum-C map is L2-normalised before the sum (the paper's prose). */
    public boolean perLayerNormalization() {
        return perLayerNormalization;
    }

    /** Side of the lateral-inhibition zone (odd). */
    public int lizSize() {
        return lizSize;
    }

    /** Weight of the average term. */
    public float a() {
        return a;
    }

    /** Weight of the differential term. */
    public float b() {
        return b;
    }

    @Override
    public String toString() {
        return "LicnnOptions{score="
                + scoreMode
                + ", inhibitLast="
                + inhibitLastRelu
                + ", perLayerNorm="
                + perLayerNormalization
                + ", liz="
                + lizSize
                + ", a="
                + a
                + ", b="
                + b
                + "}";
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private ScoreMode scoreMode = ScoreMode.AFTER_SOFTMAX;
        private boolean inhibitLastRelu;
        private boolean perLayerNormalization;
        private int lizSize = 7;
        private float a = 0.1f;
        private float b = 0.9f;

        private Builder() {}

        public Builder optScoreMode(ScoreMode mode) {
            this.scoreMode = mode;
            return this;
        }

        public Builder optInhibitLastRelu(boolean v) {
            this.inhibitLastRelu = v;
            return this;
        }

        public Builder optPerLayerNormalization(boolean v) {
            this.perLayerNormalization = v;
            return this;
        }

        public Builder optLizSize(int k) {
            this.lizSize = k;
            return this;
        }

        public Builder optA(float v) {
            this.a = v;
            return this;
        }

        public Builder optB(float v) {
            this.b = v;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the bad option
         */
        public LicnnOptions build() {
            if (scoreMode == null) {
                throw new InvalidInputException("score mode must be set");
            }
            if (lizSize < 1 || lizSize % 2 == 0 || lizSize > 31) {
                throw new InvalidInputException(
                        "LIZ size must be an odd number between 1 and 31, got " + lizSize);
            }
            if (!Float.isFinite(a) || a < 0 || !Float.isFinite(b) || b < 0) {
                throw new InvalidInputException(
                        "lateral-inhibition weights a and b must be finite and >= 0, got a="
                                + a
                                + ", b="
                                + b);
            }
            return new LicnnOptions(this);
        }
    }
}
