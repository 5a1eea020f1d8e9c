package dev.licnn.experiments.imaging;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grid of pictures with captions: rows with a title on the left, cells scaled to a square side,
 * each with lines of text underneath and an optional column header on top.
 *
 * <pre>{@code
 * Montage m = new Montage(128, List.of("original", "saliency", "blurred background"));
 * m.row("cat.png", List.of(new Montage.Cell(img, List.of("1 cat 0.91")), ...));
 * m.write(Path.of("montage.png"));
 * }</pre>
 */
public final class Montage {

    /** A picture and the lines of text under it. */
    public record Cell(BufferedImage image, List<String> caption) {}

    private record Row(String title, List<Cell> cells) {}

    private final int side;
    private final List<String> headers;
    private final List<Row> rows = new ArrayList<>();

    /** Cells of {@code side} pixels, column headers (may be empty). */
    public Montage(int side, List<String> headers) {
        this.side = side;
        this.headers = List.copyOf(headers);
    }

    /** Appends a row. */
    public Montage row(String title, List<Cell> cells) {
        rows.add(new Row(title, List.copyOf(cells)));
        return this;
    }

    /** Rows added so far. */
    public int rows() {
        return rows.size();
    }

    /** Whether no row was added. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Renders the grid. */
    public BufferedImage render() {
        int line = 13;
        int captionLines =
                rows.stream()
                        .flatMap(r -> r.cells().stream())
                        .mapToInt(c -> c.caption().size())
                        .max()
                        .orElse(0);
        int cols =
                Math.max(
                        headers.size(),
                        rows.stream().mapToInt(r -> r.cells().size()).max().orElse(1));
        int left = 150;
        int head = headers.isEmpty() ? 6 : 22;
        int cellW = side + 8;
        int rowH = side + captionLines * line + 12;
        int w = left + cols * cellW;
        int h = head + Math.max(1, rows.size()) * rowH;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        g.setColor(Color.BLACK);
        for (int c = 0; c < headers.size(); c++) {
            g.drawString(clip(g, headers.get(c), side), left + c * cellW, 15);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int y0 = head + r * rowH;
            g.setColor(Color.BLACK);
            g.drawString(clip(g, row.title(), left - 8), 4, y0 + side / 2);
            for (int c = 0; c < row.cells().size(); c++) {
                Cell cell = row.cells().get(c);
                int x0 = left + c * cellW;
                if (cell.image() != null) {
                    g.drawImage(cell.image(), x0, y0, side, side, null);
                }
                g.setColor(Color.DARK_GRAY);
                for (int k = 0; k < cell.caption().size(); k++) {
                    g.drawString(
                            clip(g, cell.caption().get(k), side + 6),
                            x0,
                            y0 + side + line * (k + 1));
                }
            }
        }
        g.dispose();
        return img;
    }

    /** Renders and writes a PNG. */
    public void write(Path png) throws IOException {
        ImageIO.write(render(), "png", png.toFile());
    }

    private static String clip(Graphics2D g, String s, int width) {
        if (g.getFontMetrics().stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && g.getFontMetrics().stringWidth(t + "...") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }
}
