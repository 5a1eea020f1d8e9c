package dev.licnn.engine.image;

import java.util.Arrays;

/**
 * Immutable pre-processing settings for one model: resize, centre crop, normalisation and the
 * decompression-bomb limit.
 *
 * <p>Every setting has a default (the torchvision ImageNet recipe), so {@code
 * PreprocessConfig.builder().build()} is valid; the {@code optX} methods override them:
 *
 * <pre>{@code
 * PreprocessConfig inception = PreprocessConfig.builder()
 *     .optResizeShorter(342)
 *     .optCropSize(299)
 *     .optMean(0.5f, 0.5f, 0.5f)
 *     .optStd(0.5f, 0.5f, 0.5f)
 *     .build();
 * }</pre>
 */
public final class PreprocessConfig {
    /** Default length of the shorter edge after resizing. */
    public static final int DEFAULT_RESIZE_SHORTER = 256;

    /** Default side of the square centre crop. */
    public static final int DEFAULT_CROP_SIZE = 224;

    /** Default maximum declared pixel count (width times height): 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final PreprocessConfig DEFAULTS = builder().build();

    private final int resizeShorter;
    private final int cropSize;
    private final float[] mean;
    private final float[] std;
    private final long maxPixels;

    private PreprocessConfig(Builder b) {
        this.resizeShorter = b.resizeShorter;
        this.cropSize = b.cropSize;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
        this.maxPixels = b.maxPixels;
    }

    /** Returns the default configuration (resize 256, crop 224, ImageNet mean/std, 40 MP). */
    public static PreprocessConfig defaults() {
        return DEFAULTS;
    }

    /** Returns a builder initialised with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the length the shorter image edge is resized to. */
    public int resizeShorter() {
        return resizeShorter;
    }

    /** Returns the side of the square centre crop, which is the model input height and width. */
    public int cropSize() {
        return cropSize;
    }

    /** Returns a copy of the per-channel (R, G, B) mean subtracted after scaling to [0, 1]. */
    public float[] mean() {
        return mean.clone();
    }

    /** Returns a copy of the per-channel (R, G, B) standard deviation divided by. */
    public float[] std() {
        return std.clone();
    }

    /** Returns the largest accepted declared width times height. */
    public long maxPixels() {
        return maxPixels;
    }

    float meanAt(int channel) {
        return mean[channel];
    }

    float stdAt(int channel) {
        return std[channel];
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PreprocessConfig)) {
            return false;
        }
        PreprocessConfig c = (PreprocessConfig) o;
        return resizeShorter == c.resizeShorter
                && cropSize == c.cropSize
                && maxPixels == c.maxPixels
                && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std);
    }

    @Override
    public int hashCode() {
        int h = 31 * resizeShorter + cropSize;
        h = 31 * h + Long.hashCode(maxPixels);
        h = 31 * h + Arrays.hashCode(mean);
        return 31 * h + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "PreprocessConfig{resizeShorter="
                + resizeShorter
                + ", cropSize="
                + cropSize
                + ", mean="
                + Arrays.toString(mean)
                + ", std="
                + Arrays.toString(std)
                + ", maxPixels="
                + maxPixels
                + "}";
    }

    /** Builder for {@link PreprocessConfig}; all settings are optional and validated in build(). */
    public static final class Builder {
        private int resizeShorter = DEFAULT_RESIZE_SHORTER;
        private int cropSize = DEFAULT_CROP_SIZE;
        private float[] mean = IMAGENET_MEAN.clone();
        private float[] std = IMAGENET_STD.clone();
        private long maxPixels = DEFAULT_MAX_PIXELS;

        private Builder() {}

        /** Sets the length the shorter edge is resized to (default 256). */
        public Builder optResizeShorter(int resizeShorter) {
            this.resizeShorter = resizeShorter;
            return this;
        }

        /** Sets the side of the square centre crop (default 224); must not exceed resizeShorter. */
        public Builder optCropSize(int cropSize) {
            this.cropSize = cropSize;
            return this;
        }

        /** Sets the R, G, B means (default ImageNet 0.485, 0.456, 0.406); exactly three values. */
        public Builder optMean(float... mean) {
            this.mean = mean == null ? null : mean.clone();
            return this;
        }

        /** Sets the R, G, B standard deviations (default ImageNet 0.229, 0.224, 0.225). */
        public Builder optStd(float... std) {
            this.std = std == null ? null : std.clone();
            return this;
        }

        /** Sets the largest accepted declared width times height (default 40 000 000). */
        public Builder optMaxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        /**
         * Validates the settings and builds the configuration.
         *
         * @throws IllegalArgumentException if a size is not positive, the crop is larger than the
         *     resize, mean or std does not hold three finite values, a std is not positive, or
         *     maxPixels is not positive
         */
        public PreprocessConfig build() {
            if (resizeShorter <= 0) {
                throw new IllegalArgumentException(
                        "resizeShorter must be positive, got " + resizeShorter);
            }
            if (cropSize <= 0) {
                throw new IllegalArgumentException("cropSize must be positive, got " + cropSize);
            }
            if (cropSize > resizeShorter) {
                throw new IllegalArgumentException(
                        "cropSize " + cropSize + " must not exceed resizeShorter " + resizeShorter);
            }
            checkThree("mean", mean);
            checkThree("std", std);
            for (float s : std) {
                if (!(s > 0f)) {
                    throw new IllegalArgumentException(
                            "std values must be positive, got " + Arrays.toString(std));
                }
            }
            if (maxPixels <= 0) {
                throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
            }
            return new PreprocessConfig(this);
        }

        private static void checkThree(String name, float[] values) {
            if (values == null || values.length != 3) {
                throw new IllegalArgumentException(
                        name
                                + " must have exactly 3 values (R, G, B), got "
                                + (values == null ? "null" : Arrays.toString(values)));
            }
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(
                            name + " values must be finite, got " + Arrays.toString(values));
                }
            }
        }
    }
}
