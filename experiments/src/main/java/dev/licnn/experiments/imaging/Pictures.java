package dev.licnn.experiments.imaging;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Heatmaps, overlays and labelled grids of maps as images. */
public final class Pictures {

    private Pictures() {}

    /**
     * The "turbo"-like colour of {@code t} in [0, 1] (a smooth blue-cyan-green-yellow-red ramp).
     */
    static int color(double t) {
        t = Math.max(0, Math.min(1, t));
        double r = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 3)));
        double g = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 2)));
        double b = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 1)));
        return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
    }

    /** A heatmap of a row-major {@code h x w} map, min to max. */
    public static BufferedImage heatmap(float[] map, int h, int w) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, color((map[y * w + x] - min) / range));
            }
        }
        return img;
    }

    /** The heatmap blended over {@code base} (same size), weight {@code alpha} for the heatmap. */
    public static BufferedImage overlay(BufferedImage base, BufferedImage heat, double alpha) {
        int w = base.getWidth();
        int h = base.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = base.getRGB(x, y);
                int b = heat.getRGB(x * heat.getWidth() / w, y * heat.getHeight() / h);
                int r = (int) ((1 - alpha) * ((a >> 16) & 255) + alpha * ((b >> 16) & 255));
                int g = (int) ((1 - alpha) * ((a >> 8) & 255) + alpha * ((b >> 8) & 255));
                int bl = (int) ((1 - alpha) * (a & 255) + alpha * (b & 255));
                out.setRGB(x, y, (r << 16) | (g << 8) | bl);
            }
        }
        return out;
    }

    /** One cell of a grid: a map with its label. */
    public record Cell(String label, float[] map, int h, int w) {}

    /** Width of a grid's title column, in pixels. */
    static final int TITLE_COLUMN = 180;

    /** Line height of a grid row's title. */
    static final int TITLE_LINE = 13;

    /**
     * A labelled grid: one row per {@code rows} entry (its title on the left, lines separated by
     * {@code \n}, each shortened with "..." to the title column), cells scaled to {@code cell}
     * pixels; cell labels are shortened to the cell width.
     */
    public static BufferedImage grid(List<String> rowTitles, List<List<Cell>> rows, int cell) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(1);
        int left = TITLE_COLUMN;
        int label = 14;
        int w = left + cols * (cell + 4);
        int h = rows.size() * (cell + label + 6) + 4;
        BufferedImage img = new BufferedImage(w, Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int r = 0; r < rows.size(); r++) {
            int y0 = 4 + r * (cell + label + 6);
            g.setColor(Color.BLACK);
            String[] lines = rowTitles.get(r).split("\n");
            int first = y0 + label + cell / 2 - (lines.length - 1) * TITLE_LINE / 2;
            for (int i = 0; i < lines.length; i++) {
                g.drawString(
                        Titled.clip(g.getFontMetrics(), lines[i], left - 8),
                        4,
                        first + i * TITLE_LINE);
            }
            List<Cell> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                Cell cl = row.get(c);
                int x0 = left + c * (cell + 4);
                g.setColor(Color.DARK_GRAY);
                g.drawString(
                        Titled.clip(g.getFontMetrics(), cl.label(), cell + 2), x0, y0 + label - 3);
                g.drawImage(heatmap(cl.map(), cl.h(), cl.w()), x0, y0 + label, cell, cell, null);
            }
        }
        g.dispose();
        return img;
    }
}
