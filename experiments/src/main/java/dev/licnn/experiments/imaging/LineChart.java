package dev.licnn.experiments.imaging;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart drawn with Java2D: axes with ticks and labels, one polyline with markers per series,
 * a legend. The x axis is categorical (evenly spaced labels, as for layers) or numeric (positions
 * proportional to the values, as for blur radii).
 *
 * <pre>{@code
 * LineChart c = new LineChart("natural", "radius", "accuracy").numericX(new double[] {0, 2, 5, 10});
 * c.series("top-1 blurred background", new double[] {0.8, 0.82, 0.85, 0.8}, false);
 * c.write(Path.of("chart.png"));
 * }</pre>
 */
public final class LineChart {

    private static final Color[] PALETTE = {
        new Color(31, 119, 180),
        new Color(255, 127, 14),
        new Color(44, 160, 44),
        new Color(214, 39, 40),
        new Color(148, 103, 189),
        new Color(140, 86, 75),
        new Color(227, 119, 194),
        new Color(127, 127, 127)
    };

    private record Series(
            String name, double[] y, boolean dashed, Color color, double[] low, double[] high) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private String[] xTicks = new String[0];
    private double[] xValues;
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Evenly spaced categories. */
    public LineChart categoricalX(List<String> labels) {
        this.xTicks = labels.toArray(new String[0]);
        this.xValues = null;
        return this;
    }

    /** Numeric positions, labelled with their values. */
    public LineChart numericX(double[] values) {
        this.xValues = values.clone();
        this.xTicks = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            xTicks[i] =
                    values[i] == Math.rint(values[i])
                            ? Long.toString((long) values[i])
                            : Double.toString(values[i]);
        }
        return this;
    }

    /** A fixed y range (otherwise the data's range, padded). */
    public LineChart yRange(double min, double max) {
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    /**
     * Adds a series, one value per x position (NaN leaves a gap), coloured by its position in the
     * palette.
     */
    public LineChart series(String name, double[] y, boolean dashed) {
        if (y.length != xTicks.length) {
            throw new IllegalArgumentException(
                    "series '"
                            + name
                            + "' has "
                            + y.length
                            + " values for "
                            + xTicks.length
                            + " x positions");
        }
        series.add(new Series(name, y.clone(), dashed, null, null, null));
        return this;
    }

    /**
     * Adds a series with an interval at every point (drawn as an error bar), coloured by a palette
     * index.
     */
    public LineChart series(
            String name, double[] y, double[] low, double[] high, boolean dashed, int colour) {
        if (low.length != y.length || high.length != y.length) {
            throw new IllegalArgumentException(
                    "series '" + name + "': interval ends differ in length from the values");
        }
        series(name, y, dashed);
        series.remove(series.size() - 1);
        series.add(
                new Series(
                        name,
                        y.clone(),
                        dashed,
                        PALETTE[Math.floorMod(colour, PALETTE.length)],
                        low.clone(),
                        high.clone()));
        return this;
    }

    /** Adds a series with a colour index into the palette. */
    public LineChart series(String name, double[] y, boolean dashed, int colour) {
        series(name, y, dashed);
        Series s = series.remove(series.size() - 1);
        series.add(
                new Series(
                        s.name(),
                        s.y(),
                        dashed,
                        PALETTE[Math.floorMod(colour, PALETTE.length)],
                        null,
                        null));
        return this;
    }

    /** Renders the chart. */
    public BufferedImage render(int width, int height) {
        double lo = yMin;
        double hi = yMax;
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double v : s.y()) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (!Double.isFinite(lo)) {
                lo = 0;
                hi = 1;
            }
            double pad = hi > lo ? (hi - lo) * 0.08 : 0.5;
            lo -= pad;
            hi += pad;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int legendW = 230;
        int left = 70;
        int right = width - legendW - 20;
        int top = 40;
        boolean rotated = xValues == null && xTicks.length > 8;
        int bottom = height - (rotated ? 85 : 60);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        for (int i = 0; i <= 5; i++) {
            double v = lo + (hi - lo) * i / 5;
            int y = yPix(v, lo, hi, top, bottom);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, right, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, y, left, y);
            String t = String.format("%.2f", v);
            g.drawString(t, left - 8 - fm.stringWidth(t), y + 4);
        }
        for (int i = 0; i < xTicks.length; i++) {
            int x = xPix(i, left, right);
            g.drawLine(x, bottom, x, bottom + 4);
            AffineTransform old = g.getTransform();
            if (rotated) {
                g.rotate(-Math.PI / 4, x, bottom + 14);
                g.drawString(xTicks[i], x - fm.stringWidth(xTicks[i]), bottom + 14);
            } else {
                g.drawString(xTicks[i], x - fm.stringWidth(xTicks[i]) / 2, bottom + 16);
            }
            g.setTransform(old);
        }
        g.drawString(xLabel, (left + right) / 2 - fm.stringWidth(xLabel) / 2, height - 12);
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2, 16, (top + bottom) / 2.0);
        g.drawString(yLabel, 16 - fm.stringWidth(yLabel) / 2, (top + bottom) / 2 + 4);
        g.setTransform(old);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color c = s.color() != null ? s.color() : PALETTE[k % PALETTE.length];
            g.setColor(c);
            g.setStroke(
                    s.dashed()
                            ? new BasicStroke(
                                    2f,
                                    BasicStroke.CAP_BUTT,
                                    BasicStroke.JOIN_ROUND,
                                    1f,
                                    new float[] {6f, 4f},
                                    0f)
                            : new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.y().length; i++) {
                double v = s.y()[i];
                if (!Double.isFinite(v)) {
                    px = -1;
                    continue;
                }
                int x = xPix(i, left, right);
                int y = yPix(v, lo, hi, top, bottom);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 7, 7);
                if (s.low() != null
                        && Double.isFinite(s.low()[i])
                        && Double.isFinite(s.high()[i])) {
                    java.awt.Stroke line = g.getStroke();
                    g.setStroke(new BasicStroke(1f));
                    int x0 = x + (k % 5 - 2) * 2;
                    int y0 = yPix(s.low()[i], lo, hi, top, bottom);
                    int y1 = yPix(s.high()[i], lo, hi, top, bottom);
                    g.drawLine(x0, y0, x0, y1);
                    g.drawLine(x0 - 3, y0, x0 + 3, y0);
                    g.drawLine(x0 - 3, y1, x0 + 3, y1);
                    g.setStroke(line);
                }
                px = x;
                py = y;
            }
            int ly = top + 10 + k * 20;
            g.drawLine(right + 20, ly, right + 50, ly);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), right + 56, ly + 4);
        }
        g.dispose();
        return img;
    }

    /** Renders at 800 x 480 and writes a PNG. */
    public void write(Path png) throws IOException {
        ImageIO.write(render(800, 480), "png", png.toFile());
    }

    private int xPix(int i, int left, int right) {
        int inner = right - left - 40;
        if (xValues != null) {
            double min = xValues[0];
            double max = xValues[0];
            for (double v : xValues) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return left
                    + 20
                    + (int)
                            Math.round(
                                    max > min
                                            ? inner * (xValues[i] - min) / (max - min)
                                            : inner / 2.0);
        }
        return left + 20 + (xTicks.length <= 1 ? inner / 2 : inner * i / (xTicks.length - 1));
    }

    private static int yPix(double v, double lo, double hi, int top, int bottom) {
        return bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
    }
}
