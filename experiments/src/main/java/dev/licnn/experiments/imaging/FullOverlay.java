package dev.licnn.experiments.imaging;

import dev.licnn.engine.image.CropBox;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A map drawn over the whole decoded image instead of the model's crop: each source pixel is mapped
 * through the resize and centre crop ({@link CropBox}) to the map, sampled bilinearly; pixels the
 * network never saw are greyed, and the crop box is outlined.
 *
 * <pre>{@code
 * CropBox box = pre.cropBox(source.getWidth(), source.getHeight());
 * BufferedImage full = FullOverlay.draw(source, box, map, 224, 224, 1024);
 * }</pre>
 */
public final class FullOverlay {

    /** Weight of the heatmap where it is blended over the image. */
    static final double ALPHA = 0.5;

    /** Weight of the grey laid over the parts of the image the network did not see. */
    static final double UNSEEN_GREY = 0.45;

    private FullOverlay() {}

    /**
     * The map over the whole image, scaled down so that its longer side is at most {@code maxSide}
     * (never up).
     *
     * @param map row-major {@code h x w} map covering the crop (any resolution)
     */
    public static BufferedImage draw(
            BufferedImage source, CropBox box, float[] map, int h, int w, int maxSide) {
        int sw = source.getWidth();
        int sh = source.getHeight();
        double down = Math.min(1.0, (double) maxSide / Math.max(sw, sh));
        int ow = Math.max(1, (int) Math.round(sw * down));
        int oh = Math.max(1, (int) Math.round(sh * down));
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1;
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        double crop = box.size();
        for (int y = 0; y < oh; y++) {
            double sy = (y + 0.5) / down;
            double cy = box.cropY(sy);
            int py = Math.min(sh - 1, (int) sy);
            for (int x = 0; x < ow; x++) {
                double sx = (x + 0.5) / down;
                double cx = box.cropX(sx);
                int a = source.getRGB(Math.min(sw - 1, (int) sx), py);
                int rgb;
                if (cx >= 0 && cx < crop && cy >= 0 && cy < crop) {
                    float v = sample(map, h, w, cy * h / crop - 0.5, cx * w / crop - 0.5);
                    rgb = blend(a, Pictures.color((v - min) / range), ALPHA);
                } else {
                    rgb = blend(a, 0x808080, UNSEEN_GREY);
                }
                out.setRGB(x, y, rgb);
            }
        }
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int x0 = (int) Math.round(box.sourceLeft() * down);
        int y0 = (int) Math.round(box.sourceTop() * down);
        int x1 = (int) Math.round(box.sourceRight() * down) - 1;
        int y1 = (int) Math.round(box.sourceBottom() * down) - 1;
        g.setStroke(new BasicStroke(3f));
        g.setColor(Color.BLACK);
        g.drawRect(x0, y0, x1 - x0, y1 - y0);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.WHITE);
        g.drawRect(x0, y0, x1 - x0, y1 - y0);
        g.dispose();
        return out;
    }

    /**
     * The one-line note saying how much of the image the network saw, or {@code null} when it saw
     * all of it.
     */
    public static String unseenNote(CropBox box) {
        if (box.seesWholeImage()) {
            return null;
        }
        return String.format(
                "the network saw only the boxed %dx%d crop (%.0f%% of the image); greyed parts were not seen",
                Math.round(box.sourceRight() - box.sourceLeft()),
                Math.round(box.sourceBottom() - box.sourceTop()),
                100 * box.seenFraction());
    }

    /** Bilinear sample at map coordinates (row {@code y}, column {@code x}), edges clamped. */
    static float sample(float[] m, int h, int w, double y, double x) {
        y = Math.max(0, Math.min(h - 1, y));
        x = Math.max(0, Math.min(w - 1, x));
        int y0 = (int) y;
        int x0 = (int) x;
        int y1 = Math.min(h - 1, y0 + 1);
        int x1 = Math.min(w - 1, x0 + 1);
        double fy = y - y0;
        double fx = x - x0;
        double top = m[y0 * w + x0] * (1 - fx) + m[y0 * w + x1] * fx;
        double bottom = m[y1 * w + x0] * (1 - fx) + m[y1 * w + x1] * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    static int blend(int a, int b, double alpha) {
        int r = (int) ((1 - alpha) * ((a >> 16) & 255) + alpha * ((b >> 16) & 255));
        int g = (int) ((1 - alpha) * ((a >> 8) & 255) + alpha * ((b >> 8) & 255));
        int bl = (int) ((1 - alpha) * (a & 255) + alpha * (b & 255));
        return (r << 16) | (g << 8) | bl;
    }
}
