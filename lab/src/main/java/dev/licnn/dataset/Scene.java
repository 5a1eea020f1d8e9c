package dev.licnn.dataset;

import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * One generated image with its exact object mask and what went into it. Immutable; array accessors
 * return copies.
 */
public final class Scene {

    private final Split split;
    private final int index;
    private final ShapeClass shapeClass;
    private final BackgroundFamily family;
    private final FillStyle fillStyle;
    private final int fillPrimary;
    private final Shape outline;
    private final Rectangle bbox;
    private final int size;
    private final int[] pixels;
    private final int[] backdrop;
    private final byte[] mask;

    Scene(
            Split split,
            int index,
            ShapeClass shapeClass,
            BackgroundFamily family,
            FillStyle fillStyle,
            int fillPrimary,
            Shape outline,
            Rectangle bbox,
            int size,
            int[] pixels,
            int[] backdrop,
            byte[] mask) {
        this.split = split;
        this.index = index;
        this.shapeClass = shapeClass;
        this.family = family;
        this.fillStyle = fillStyle;
        this.fillPrimary = fillPrimary;
        this.outline = outline;
        this.bbox = bbox;
        this.size = size;
        this.pixels = pixels;
        this.backdrop = backdrop;
        this.mask = mask;
    }

    public Split split() {
        return split;
    }

    /** Index of the image within its split. */
    public int index() {
        return index;
    }

    /** File stem, e.g. {@code natural_000042}. */
    public String id() {
        return id(split, index);
    }

    static String id(Split split, int index) {
        return String.format("%s_%06d", split.dirName(), index);
    }

    public ShapeClass shapeClass() {
        return shapeClass;
    }

    public BackgroundFamily backgroundFamily() {
        return family;
    }

    /** True when the background is the class's own family. */
    public boolean ownBackground() {
        return family == BackgroundFamily.ownedBy(shapeClass);
    }

    public FillStyle fillStyle() {
        return fillStyle;
    }

    /**
     * The object's main fill colour, packed {@code 0xRRGGBB}: every object pixel's colour for a
     * solid fill.
     */
    public int fillPrimary() {
        return fillPrimary;
    }

    /** The object's geometry in pixel coordinates, as it was rasterised into the mask. */
    public Shape outline() {
        return outline;
    }

    /** Tight bounding box of the mask's pixels. */
    public Rectangle bbox() {
        return new Rectangle(bbox);
    }

    /** Side of the square image. */
    public int size() {
        return size;
    }

    /** Packed {@code 0xRRGGBB} pixels, row-major. */
    public int[] pixels() {
        return pixels.clone();
    }

    /** The pixels before the object was drawn (background and distractors), row-major. */
    public int[] backdrop() {
        return backdrop.clone();
    }

    /** The mask, row-major: 1 for object pixels, 0 elsewhere. */
    public byte[] mask() {
        byte[] m = new byte[mask.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (mask[i] != 0 ? 1 : 0);
        }
        return m;
    }

    /** True when pixel {@code (x, y)} belongs to the object. */
    public boolean inMask(int x, int y) {
        return mask[y * size + x] != 0;
    }

    /** Number of object pixels. */
    public int maskArea() {
        int n = 0;
        for (byte b : mask) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    /** The image as a new {@link BufferedImage#TYPE_INT_RGB}. */
    public BufferedImage image() {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, size, size, pixels, 0, size);
        return img;
    }

    /** The mask as a new 8-bit grey image: 255 for object pixels, 0 elsewhere. */
    public BufferedImage maskImage() {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < dst.length; i++) {
            dst[i] = mask[i] != 0 ? (byte) 255 : 0;
        }
        return img;
    }
}
