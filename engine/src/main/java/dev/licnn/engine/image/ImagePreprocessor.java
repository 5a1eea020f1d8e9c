package dev.licnn.engine.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns PNG or JPEG bytes into a model input tensor the way torchvision's ImageNet evaluation
 * transform does on a PIL image:
 *
 * <pre>
 * Resize(resizeShorter)          // PIL bilinear with antialiasing, shorter edge to resizeShorter
 * CenterCrop(cropSize)
 * ToTensor()                     // [0, 255] to [0, 1], HWC to CHW
 * Normalize(mean, std)
 * </pre>
 *
 * <p>Decoding rejects, before any pixel is decoded, images whose declared width times height
 * exceeds {@link PreprocessConfig#maxPixels()}; see {@link #prepare(byte[])} for what else is
 * rejected. Instances are immutable and thread-safe.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ImagePreprocessor pre = new ImagePreprocessor(PreprocessConfig.defaults());
 * try {
 *   PreparedImage img = pre.prepare(requestBytes);
 *   float[] input = img.chw();            // shape img.shape() = {3, 224, 224}
 *   BufferedImage crop = img.toBufferedImage(); // for drawing the saliency overlay
 * } catch (InvalidImageException e) {
 *   // reply INVALID_ARGUMENT with e.getMessage()
 * }
 *
 * // A client that sends its own tensor:
 * ImagePreprocessor.validateTensor(shape, values, 224, 224);
 * }</pre>
 */
public final class ImagePreprocessor {
    private final PreprocessConfig config;

    /** Creates a pre-processor with {@link PreprocessConfig#defaults()}. */
    public ImagePreprocessor() {
        this(PreprocessConfig.defaults());
    }

    /** Creates a pre-processor with the given configuration. */
    public ImagePreprocessor(PreprocessConfig config) {
        if (config == null) {
            throw new NullPointerException("config");
        }
        this.config = config;
    }

    /** Returns the configuration. */
    public PreprocessConfig config() {
        return config;
    }

    /**
     * Decodes, resizes, centre-crops and normalises an encoded image.
     *
     * @param encoded PNG or JPEG bytes
     * @return the {@code [3, cropSize, cropSize]} tensor and the cropped pixels
     * @throws InvalidImageException if the bytes are empty, neither PNG nor JPEG, corrupt or
     *     truncated, or declare more than {@code maxPixels} pixels
     */
    public PreparedImage prepare(byte[] encoded) {
        return prepare(ImageDecoder.decode(encoded, config.maxPixels()));
    }

    /**
     * Decodes an encoded image as {@link #prepare(byte[])} does (EXIF orientation applied, the same
     * checks), without resizing: the picture that {@link #cropBox(int, int)} refers to.
     *
     * @throws InvalidImageException as {@link #prepare(byte[])}
     */
    public BufferedImage decode(byte[] encoded) {
        RgbImage image = ImageDecoder.decode(encoded, config.maxPixels());
        BufferedImage out =
                new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, image.width(), image.height(), image.pixels(), 0, image.width());
        return out;
    }

    /**
     * Where the model input lies in a decoded {@code width x height} image: the resize and centre
     * crop of {@link #prepare(byte[])}.
     */
    public CropBox cropBox(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad image size " + width + "x" + height);
        }
        long[] size = resizedSize(width, height, config.resizeShorter());
        int crop = config.cropSize();
        return new CropBox(
                width,
                height,
                size[0],
                size[1],
                cropOffset(size[0], crop),
                cropOffset(size[1], crop),
                crop);
    }

    PreparedImage prepare(RgbImage image) {
        int w = image.width();
        int h = image.height();
        long[] size = resizedSize(w, h, config.resizeShorter());
        int crop = config.cropSize();
        long left = cropOffset(size[0], crop);
        long top = cropOffset(size[1], crop);
        RgbImage cropped = Resampler.resizeWindow(image, size[0], size[1], left, top, crop, crop);
        int[] rgb = cropped.pixels();
        return new PreparedImage(normalise(rgb, crop * crop), rgb, crop, crop, w, h);
    }

    /**
     * Returns {@code {width, height}} after torchvision's {@code Resize(shorter)}: the shorter edge
     * becomes {@code shorter} and the longer edge {@code int(shorter * longer / shorterEdge)}.
     */
    static long[] resizedSize(int width, int height, int shorter) {
        if (width <= height) {
            return new long[] {shorter, (long) ((double) ((long) shorter * height) / width)};
        }
        return new long[] {(long) ((double) ((long) shorter * width) / height), shorter};
    }

    /** torchvision's centre-crop offset: {@code int(round((size - crop) / 2.0))}, half to even. */
    static long cropOffset(long size, int crop) {
        return (long) Math.rint((size - crop) / 2.0);
    }

    private float[] normalise(int[] rgb, int plane) {
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            float mean = config.meanAt(c);
            float std = config.stdAt(c);
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                float v = ((rgb[i] >> shift) & 0xFF) / 255f;
                chw[base + i] = (v - mean) / std;
            }
        }
        return chw;
    }

    /**
     * Validates a tensor this pre-processor's model would accept as already prepared input: {@code
     * [3, cropSize, cropSize]} or {@code [1, 3, cropSize, cropSize]}.
     *
     * @throws InvalidImageException as {@link #validateTensor(long[], float[], int, int)}
     */
    public void validateTensor(long[] shape, float[] values) {
        validateTensor(shape, values, config.cropSize(), config.cropSize());
    }

    /**
     * Validates an already-prepared float tensor: the shape must be {@code [3, height, width]} or
     * {@code [1, 3, height, width]}, the value count must match the shape, and every value must be
     * finite.
     *
     * @throws InvalidImageException naming the first problem found
     */
    public static void validateTensor(long[] shape, float[] values, int height, int width) {
        if (shape == null || values == null) {
            throw new InvalidImageException("tensor shape and values are required");
        }
        String expected =
                "[3, " + height + ", " + width + "] or [1, 3, " + height + ", " + width + "]";
        boolean ok =
                (shape.length == 3 && shape[0] == 3 && shape[1] == height && shape[2] == width)
                        || (shape.length == 4
                                && shape[0] == 1
                                && shape[1] == 3
                                && shape[2] == height
                                && shape[3] == width);
        if (!ok) {
            throw new InvalidImageException(
                    "tensor shape "
                            + Arrays.toString(shape)
                            + " does not match the model input "
                            + expected);
        }
        long count = 3L * height * width;
        if (values.length != count) {
            throw new InvalidImageException(
                    "tensor shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + count
                            + " values, got "
                            + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                int plane = height * width;
                throw new InvalidImageException(
                        "tensor value "
                                + values[i]
                                + " at [channel "
                                + i / plane
                                + ", y "
                                + (i % plane) / width
                                + ", x "
                                + i % width
                                + "] is not finite");
            }
        }
    }
}
