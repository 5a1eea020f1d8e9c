package dev.licnn.engine.image;

import java.awt.image.BufferedImage;

/**
 * An image ready for the model: the normalised {@code [3, height, width]} tensor and the cropped
 * RGB pixels it came from (for overlays). Immutable; accessors return copies.
 */
public final class PreparedImage {
    private final float[] chw;
    private final int[] rgb;
    private final int width;
    private final int height;
    private final int sourceWidth;
    private final int sourceHeight;

    PreparedImage(
            float[] chw, int[] rgb, int width, int height, int sourceWidth, int sourceHeight) {
        if (chw.length != 3 * width * height || rgb.length != width * height) {
            throw new IllegalArgumentException(
                    "tensor or pixels do not match " + width + "x" + height);
        }
        this.chw = chw;
        this.rgb = rgb;
        this.width = width;
        this.height = height;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
    }

    /**
     * Returns a copy of the normalised tensor, channel-major (R, G, B planes), each plane
     * row-major: element {@code (c, y, x)} is at {@code c * height * width + y * width + x}.
     */
    public float[] chw() {
        return chw.clone();
    }

    /** Returns the tensor shape {@code {3, height, width}}. */
    public long[] shape() {
        return new long[] {3, height, width};
    }

    /**
     * Returns a copy of the cropped pixels before normalisation, packed {@code 0xRRGGBB},
     * row-major.
     */
    public int[] rgb() {
        return rgb.clone();
    }

    /** Returns the cropped pixels as a new {@link BufferedImage#TYPE_INT_RGB} image. */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, rgb, 0, width);
        return img;
    }

    /** Returns the tensor and crop width in pixels. */
    public int width() {
        return width;
    }

    /** Returns the tensor and crop height in pixels. */
    public int height() {
        return height;
    }

    /** Returns the decoded image width, after EXIF orientation, before resizing. */
    public int sourceWidth() {
        return sourceWidth;
    }

    /** Returns the decoded image height, after EXIF orientation, before resizing. */
    public int sourceHeight() {
        return sourceHeight;
    }

    @Override
    public String toString() {
        return "PreparedImage{"
                + width
                + "x"
                + height
                + " from "
                + sourceWidth
                + "x"
                + sourceHeight
                + "}";
    }
}
