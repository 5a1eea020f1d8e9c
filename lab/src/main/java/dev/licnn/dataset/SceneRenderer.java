package dev.licnn.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one scene from the configuration, the split and the image index, and nothing else: the same
 * inputs give the same pixels on every call and thread.
 *
 * <p>Order of drawing: the background family fills the square; distractors (short lines, open arcs,
 * jagged polygons and scribbles, none of them a class shape) go on top; then the object's {@link
 * Shape} is rasterised without antialiasing into a binary mask, and exactly the mask's pixels are
 * overwritten with the object's fill. Mask and object pixels therefore coincide.
 *
 * <pre>{@code
 * SceneRenderer renderer = new SceneRenderer(config);
 * Scene scene = renderer.render(Split.ADVERSARIAL, 17);
 * }</pre>
 */
public final class SceneRenderer {

    private static final int MARGIN = 2;

    private final DatasetConfig config;
    private final List<FillStyle> fills;

    public SceneRenderer(DatasetConfig config) {
        this.config = config;
        this.fills = List.copyOf(config.fillStyles());
    }

    public DatasetConfig config() {
        return config;
    }

    /** The class of image {@code index}: classes take turns, so every split is balanced. */
    public static ShapeClass classOf(int index) {
        ShapeClass[] all = ShapeClass.values();
        return all[index % all.length];
    }

    /** Renders image {@code index} of {@code split}. */
    public Scene render(Split split, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative index " + index);
        }
        long base =
                mix(
                        mix(config.seed() ^ 0x5DEECE66DL)
                                ^ (split.ordinal() + 1L) * 0x9E3779B97F4A7C15L
                                ^ index);
        SplittableRandom choice = new SplittableRandom(mix(base ^ 1));
        SplittableRandom bgRandom = new SplittableRandom(mix(base ^ 2));
        SplittableRandom clutterRandom = new SplittableRandom(mix(base ^ 3));
        SplittableRandom objectRandom = new SplittableRandom(mix(base ^ 4));

        int size = config.imageSize();
        ShapeClass cls = classOf(index);
        BackgroundFamily family = chooseFamily(split, cls, choice);
        Colours.Band objectBand = choice.nextBoolean() ? Colours.Band.DARK : Colours.Band.LIGHT;
        FillStyle fillStyle = fills.get(choice.nextInt(fills.size()));

        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        family.paint(px, size, bgRandom, objectBand.opposite());
        drawDistractors(image, size, clutterRandom);
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xFFFFFF; // Graphics2D may set the unused top byte
        }
        int[] backdrop = px.clone();

        Shape outline = placeObject(cls, size, objectRandom);
        byte[] mask = rasterise(outline, size);
        Rectangle bbox = maskBounds(mask, size);
        FillStyle.Fill fill = fillStyle.create(objectRandom, objectBand, bbox);
        for (int y = bbox.y; y < bbox.y + bbox.height; y++) {
            for (int x = bbox.x; x < bbox.x + bbox.width; x++) {
                if (mask[y * size + x] != 0) {
                    px[y * size + x] = fill.colourAt(x, y) & 0xFFFFFF;
                }
            }
        }
        return new Scene(
                split,
                index,
                cls,
                family,
                fillStyle,
                fill.primary(),
                outline,
                bbox,
                size,
                px.clone(),
                backdrop,
                mask);
    }

    private BackgroundFamily chooseFamily(Split split, ShapeClass cls, SplittableRandom r) {
        BackgroundFamily own = BackgroundFamily.ownedBy(cls);
        BackgroundFamily[] all = BackgroundFamily.values();
        double u = r.nextDouble();
        if (split.ownBackgroundLikely() && u < config.ownBackgroundRate()) {
            return own;
        }
        int k = r.nextInt(all.length - 1);
        return all[k >= own.ordinal() ? k + 1 : k];
    }

    /**
     * Scales, rotates and places the class's shape so that it lies inside the image with a margin.
     */
    private Shape placeObject(ShapeClass cls, int size, SplittableRandom r) {
        double fraction =
                config.minObjectFraction()
                        + (config.maxObjectFraction() - config.minObjectFraction())
                                * r.nextDouble();
        double scale = fraction * size / 2;
        double angle = r.nextDouble() * 2 * Math.PI;
        AffineTransform t = new AffineTransform();
        t.rotate(angle);
        t.scale(scale, scale);
        Shape s = t.createTransformedShape(cls.unitShape());
        Rectangle2D b = s.getBounds2D();
        double minX = MARGIN - b.getMinX();
        double maxX = size - MARGIN - b.getMaxX();
        double minY = MARGIN - b.getMinY();
        double maxY = size - MARGIN - b.getMaxY();
        double tx = maxX > minX ? minX + r.nextDouble() * (maxX - minX) : (minX + maxX) / 2;
        double ty = maxY > minY ? minY + r.nextDouble() * (maxY - minY) : (minY + maxY) / 2;
        return AffineTransform.getTranslateInstance(tx, ty).createTransformedShape(s);
    }

    /** The shape's pixels without antialiasing: 1 where Java2D's fill covers the pixel. */
    static byte[] rasterise(Shape shape, int size) {
        BufferedImage m = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = m.createGraphics();
        try {
            hardEdges(g);
            g.setColor(Color.WHITE);
            g.fill(shape);
        } finally {
            g.dispose();
        }
        byte[] data = ((DataBufferByte) m.getRaster().getDataBuffer()).getData();
        byte[] mask = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            mask[i] = (byte) (data[i] != 0 ? 1 : 0);
        }
        return mask;
    }

    private static Rectangle maskBounds(byte[] mask, int size) {
        int x0 = size;
        int y0 = size;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (mask[y * size + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            throw new IllegalStateException("object rasterised to no pixels");
        }
        return new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    private void drawDistractors(BufferedImage image, int size, SplittableRandom r) {
        int n =
                config.minDistractors()
                        + r.nextInt(config.maxDistractors() - config.minDistractors() + 1);
        Graphics2D g = image.createGraphics();
        try {
            hardEdges(g);
            for (int i = 0; i < n; i++) {
                Colours.Band band = r.nextBoolean() ? Colours.Band.DARK : Colours.Band.LIGHT;
                g.setColor(new Color(Colours.random(r, band)));
                double cx = r.nextDouble() * size;
                double cy = r.nextDouble() * size;
                double extent = size * (0.04 + 0.08 * r.nextDouble());
                float width = (float) (1.5 + 2.5 * r.nextDouble());
                g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                switch (r.nextInt(4)) {
                    case 0:
                        {
                            double a = r.nextDouble() * Math.PI;
                            double dx = extent * StrictMath.cos(a);
                            double dy = extent * StrictMath.sin(a);
                            g.draw(new Line2D.Double(cx - dx, cy - dy, cx + dx, cy + dy));
                            break;
                        }
                    case 1:
                        g.draw(
                                new Arc2D.Double(
                                        cx - extent,
                                        cy - extent,
                                        2 * extent,
                                        2 * extent,
                                        r.nextDouble() * 360,
                                        60 + r.nextDouble() * 150,
                                        Arc2D.OPEN));
                        break;
                    case 2:
                        g.fill(jaggedPolygon(cx, cy, extent * 0.7, r));
                        break;
                    default:
                        g.draw(scribble(cx, cy, extent, r));
                        break;
                }
            }
        } finally {
            g.dispose();
        }
    }

    private static Shape jaggedPolygon(double cx, double cy, double radius, SplittableRandom r) {
        int n = 5 + r.nextInt(4);
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * (i + 0.6 * r.nextDouble()) / n;
            double rr = radius * (0.35 + 0.65 * r.nextDouble());
            double x = cx + rr * StrictMath.cos(a);
            double y = cy + rr * StrictMath.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape scribble(double cx, double cy, double extent, SplittableRandom r) {
        Path2D.Double p = new Path2D.Double();
        double x = cx;
        double y = cy;
        p.moveTo(x, y);
        int n = 4 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            x += (r.nextDouble() - 0.5) * extent;
            y += (r.nextDouble() - 0.5) * extent;
            p.lineTo(x, y);
        }
        return p;
    }

    private static void hardEdges(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
