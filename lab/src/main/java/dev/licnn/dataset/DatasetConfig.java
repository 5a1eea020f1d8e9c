package dev.licnn.dataset;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Immutable settings of a generated dataset. Every setting but the counts has a default; images
 * depend only on these settings and on their split and index.
 *
 * <pre>{@code
 * DatasetConfig config = DatasetConfig.builder()
 *     .optSeed(7)
 *     .optCount(Split.TRAIN, 4000)
 *     .optCount(Split.NATURAL, 500)
 *     .optCount(Split.ADVERSARIAL, 500)
 *     .build();
 * }</pre>
 */
public final class DatasetConfig {

    private final long seed;
    private final int imageSize;
    private final Map<Split, Integer> counts;
    private final double ownBackgroundRate;
    private final double minObjectFraction;
    private final double maxObjectFraction;
    private final Set<FillStyle> fillStyles;
    private final int minDistractors;
    private final int maxDistractors;

    private DatasetConfig(Builder b) {
        this.seed = b.seed;
        this.imageSize = b.imageSize;
        this.counts = Map.copyOf(b.counts);
        this.ownBackgroundRate = b.ownBackgroundRate;
        this.minObjectFraction = b.minObjectFraction;
        this.maxObjectFraction = b.maxObjectFraction;
        this.fillStyles = Collections.unmodifiableSet(EnumSet.copyOf(b.fillStyles));
        this.minDistractors = b.minDistractors;
        this.maxDistractors = b.maxDistractors;
    }

    /** A builder with the defaults: seed 0, 224 pixels, no images, 80% own background. */
    public static Builder builder() {
        return new Builder();
    }

    public long seed() {
        return seed;
    }

    /** Side of the square images in pixels. */
    public int imageSize() {
        return imageSize;
    }

    /** Number of images of {@code split} (0 if not set). */
    public int count(Split split) {
        return counts.getOrDefault(split, 0);
    }

    /**
     * Probability that a {@link Split#TRAIN} or {@link Split#NATURAL} image has its class's own
     * background.
     */
    public double ownBackgroundRate() {
        return ownBackgroundRate;
    }

    /** Smallest object extent as a fraction of the image side (before rotation). */
    public double minObjectFraction() {
        return minObjectFraction;
    }

    /** Largest object extent as a fraction of the image side (before rotation). */
    public double maxObjectFraction() {
        return maxObjectFraction;
    }

    /** The fill styles objects are drawn with, uniformly; iterates in declaration order. */
    public Set<FillStyle> fillStyles() {
        return fillStyles;
    }

    public int minDistractors() {
        return minDistractors;
    }

    public int maxDistractors() {
        return maxDistractors;
    }

    @Override
    public String toString() {
        return "DatasetConfig{seed="
                + seed
                + ", imageSize="
                + imageSize
                + ", counts="
                + new EnumMap<>(counts)
                + ", ownBackgroundRate="
                + ownBackgroundRate
                + ", object="
                + minObjectFraction
                + ".."
                + maxObjectFraction
                + ", fills="
                + EnumSet.copyOf(fillStyles)
                + ", distractors="
                + minDistractors
                + ".."
                + maxDistractors
                + "}";
    }

    /** Builder for {@link DatasetConfig}; validated in {@link #build()}. */
    public static final class Builder {
        private long seed;
        private int imageSize = 224;
        private final Map<Split, Integer> counts = new EnumMap<>(Split.class);
        private double ownBackgroundRate = 0.8;
        private double minObjectFraction = 0.25;
        private double maxObjectFraction = 0.55;
        private Set<FillStyle> fillStyles = EnumSet.allOf(FillStyle.class);
        private int minDistractors = 3;
        private int maxDistractors = 8;

        private Builder() {}

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets the image side (default 224, at least 32). */
        public Builder optImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** Sets how many images {@code split} gets (default 0). */
        public Builder optCount(Split split, int count) {
            counts.put(split, count);
            return this;
        }

        /** Sets the own-background probability of the biased splits (default 0.8). */
        public Builder optOwnBackgroundRate(double rate) {
            this.ownBackgroundRate = rate;
            return this;
        }

        /** Sets the object extent range as fractions of the image side (default 0.25..0.55). */
        public Builder optObjectFraction(double min, double max) {
            this.minObjectFraction = min;
            this.maxObjectFraction = max;
            return this;
        }

        /** Restricts the fill styles (default all). */
        public Builder optFillStyles(Set<FillStyle> styles) {
            this.fillStyles =
                    styles.isEmpty() ? EnumSet.noneOf(FillStyle.class) : EnumSet.copyOf(styles);
            return this;
        }

        /** Sets the number of distractors per image (default 3..8). */
        public Builder optDistractors(int min, int max) {
            this.minDistractors = min;
            this.maxDistractors = max;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException on a size under 32, a negative count, a rate outside [0,
         *     1], an object range outside (0, 0.7] or reversed, no fill style, or a bad distractor
         *     range
         */
        public DatasetConfig build() {
            if (imageSize < 32) {
                throw new IllegalArgumentException(
                        "image size must be at least 32, got " + imageSize);
            }
            for (Map.Entry<Split, Integer> e : counts.entrySet()) {
                if (e.getValue() < 0) {
                    throw new IllegalArgumentException(
                            "negative count for " + e.getKey().dirName());
                }
            }
            if (!(ownBackgroundRate >= 0 && ownBackgroundRate <= 1)) {
                throw new IllegalArgumentException(
                        "own-background rate must be in [0, 1], got " + ownBackgroundRate);
            }
            if (!(minObjectFraction > 0
                    && minObjectFraction <= maxObjectFraction
                    && maxObjectFraction <= 0.7)) {
                throw new IllegalArgumentException(
                        "object fraction range must satisfy 0 < min <= max <= 0.7, got "
                                + minObjectFraction
                                + ".."
                                + maxObjectFraction);
            }
            if (fillStyles.isEmpty()) {
                throw new IllegalArgumentException("at least one fill style is needed");
            }
            if (minDistractors < 0 || minDistractors > maxDistractors) {
                throw new IllegalArgumentException(
                        "distractor range must satisfy 0 <= min <= max, got "
                                + minDistractors
                                + ".."
                                + maxDistractors);
            }
            return new DatasetConfig(this);
        }
    }
}
