package dev.licnn.experiments.imaging;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A picture with a title above it and the heatmap's colour scale (with its minimum and maximum
 * values) below it, and optional notes under the scale. Text too long for the width is shortened
 * with "...".
 *
 * <pre>{@code
 * BufferedImage png = Titled.picture(overlay, List.of("rank 1: star (class 3), p = 0.912"),
 *     min, max, List.of());
 * }</pre>
 */
public final class Titled {

    /** Height of the title band per line, in pixels. */
    static final int LINE = 16;

    /** Height of the colour bar, in pixels. */
    static final int BAR = 10;

    /** Smallest width of the whole picture, so that the title has room on small maps. */
    static final int MIN_WIDTH = 320;

    static final int PAD = 6;

    private Titled() {}

    /**
     * The body centred under {@code title} lines, above a colour bar from {@code min} to {@code
     * max} (the ramp of {@link Pictures#heatmap}), then {@code notes}.
     */
    public static BufferedImage picture(
            BufferedImage body, List<String> title, double min, double max, List<String> notes) {
        int w = Math.max(MIN_WIDTH, body.getWidth() + 2 * PAD);
        int top = PAD + title.size() * LINE + PAD;
        int scaleTop = top + body.getHeight() + PAD;
        int h = scaleTop + BAR + LINE + notes.size() * LINE + PAD;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        for (int i = 0; i < title.size(); i++) {
            g.drawString(
                    clip(g.getFontMetrics(), title.get(i), w - 2 * PAD),
                    PAD,
                    PAD + (i + 1) * LINE - 4);
        }
        g.drawImage(body, (w - body.getWidth()) / 2, top, null);
        int barLeft = PAD;
        int barWidth = w - 2 * PAD;
        for (int x = 0; x < barWidth; x++) {
            g.setColor(new Color(Pictures.color(barWidth == 1 ? 0 : (double) x / (barWidth - 1))));
            g.fillRect(barLeft + x, scaleTop, 1, BAR);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        FontMetrics fm = g.getFontMetrics();
        String lo = String.format("%.3g (low)", min);
        String hi = String.format("%.3g (high)", max);
        int textY = scaleTop + BAR + LINE - 4;
        g.drawString(lo, barLeft, textY);
        g.drawString(hi, barLeft + barWidth - fm.stringWidth(hi), textY);
        for (int i = 0; i < notes.size(); i++) {
            g.drawString(clip(fm, notes.get(i), w - 2 * PAD), PAD, textY + (i + 1) * LINE);
        }
        g.dispose();
        return img;
    }

    /** The rows of the picture where the colour bar is, for checks: {@code {first, last}}. */
    static int[] barRows(BufferedImage body, List<String> title) {
        int top = PAD + title.size() * LINE + PAD;
        int scaleTop = top + body.getHeight() + PAD;
        return new int[] {scaleTop, scaleTop + BAR - 1};
    }

    /** {@code s} shortened with "..." to fit {@code width} pixels. */
    static String clip(FontMetrics fm, String s, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "...") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }

    /** The lines of {@code notes} that are not null. */
    public static List<String> notes(String... notes) {
        List<String> out = new ArrayList<>();
        for (String n : notes) {
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }
}
