package dev.licnn.experiments.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class TitledTest {

    private static BufferedImage grey(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        return img;
    }

    private static int darkPixels(BufferedImage img, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 255) < 100) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void picture_hasTheTitleAbove_theBody_andTheColourScaleBelow() {
        BufferedImage body = grey(224, 224);
        List<String> title =
                List.of("LICNN saliency of 1 class", "1. star (class 3): rank 1, p = 0.912");
        BufferedImage p = Titled.picture(body, title, -0.5, 2.0, List.of());
        assertTrue(p.getWidth() >= Titled.MIN_WIDTH);
        int bodyTop = Titled.PAD + title.size() * Titled.LINE + Titled.PAD;
        assertTrue(darkPixels(p, 0, bodyTop) > 50, "title text drawn");
        int[] bar = Titled.barRows(body, title);
        assertEquals(bodyTop + 224 + Titled.PAD, bar[0]);
        int y = (bar[0] + bar[1]) / 2;
        assertEquals(Pictures.color(0), p.getRGB(Titled.PAD, y) & 0xFFFFFF, "low end of the scale");
        assertEquals(
                Pictures.color(1),
                p.getRGB(p.getWidth() - Titled.PAD - 1, y) & 0xFFFFFF,
                "high end of the scale");
        assertTrue(darkPixels(p, bar[1] + 1, p.getHeight()) > 20, "min and max values written");
        // The body is drawn unchanged, centred.
        assertEquals(0x808080, p.getRGB(p.getWidth() / 2, bodyTop + 112) & 0xFFFFFF);
    }

    @Test
    void notes_addALineEach_andLongTitlesAreShortened() {
        BufferedImage body = grey(64, 64);
        BufferedImage plain = Titled.picture(body, List.of("t"), 0, 1, List.of());
        BufferedImage noted =
                Titled.picture(body, List.of("t"), 0, 1, Titled.notes("seen 57%", null));
        assertEquals(plain.getHeight() + Titled.LINE, noted.getHeight());
        String s = "x".repeat(400);
        java.awt.Graphics2D g = plain.createGraphics();
        String cut = Titled.clip(g.getFontMetrics(), s, 100);
        assertTrue(cut.endsWith("...") && g.getFontMetrics().stringWidth(cut) <= 100, cut);
        g.dispose();
    }

    @Test
    void grid_longRowTitles_stopBeforeTheFirstTileColumn() {
        float[] m = new float[16];
        for (int i = 0; i < m.length; i++) {
            m[i] = i;
        }
        String longTitle =
                "#1 " + "Brabancon griffon, a very long ImageNet label ".repeat(4) + "\nmask";
        BufferedImage img =
                Pictures.grid(
                        List.of(longTitle, "#2 short\nresp. after"),
                        List.of(
                                List.of(new Pictures.Cell("relu1_1", m, 4, 4)),
                                List.of(new Pictures.Cell("relu1_1", m, 4, 4))),
                        64);
        int left = Pictures.TITLE_COLUMN;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = left - 4; x < left; x++) {
                assertEquals(0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF, "(" + x + ", " + y + ")");
            }
        }
        // Both lines of the title are drawn: the kind below the label.
        int rowTop = 4;
        int mid = rowTop + 14 + 32;
        assertTrue(darkPixels(img.getSubimage(0, 0, left, img.getHeight()), mid - 12, mid - 2) > 0);
        assertTrue(darkPixels(img.getSubimage(0, 0, left, img.getHeight()), mid + 1, mid + 12) > 0);
    }
}
