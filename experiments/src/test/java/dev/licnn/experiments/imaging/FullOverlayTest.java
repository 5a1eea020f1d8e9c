package dev.licnn.experiments.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.image.CropBox;
import dev.licnn.engine.image.ImagePreprocessor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FullOverlayTest {

    private static final ImagePreprocessor TORCHVISION = new ImagePreprocessor();

    /** A white picture with a red disc of radius {@code r} centred at ({@code cx}, {@code cy}). */
    private static BufferedImage disc(int w, int h, int cx, int cy, int r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillOval(cx - r, cy - r, 2 * r, 2 * r);
        g.dispose();
        return img;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static boolean red(int rgb) {
        int r = (rgb >> 16) & 255;
        int g = (rgb >> 8) & 255;
        int b = rgb & 255;
        return r - g > 60 && r - b > 40;
    }

    /** Red pixels of {@code img} within radius {@code r} of ({@code cx}, {@code cy}). */
    private static int redInDisc(BufferedImage img, double cx, double cy, double r) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= r * r && red(img.getRGB(x, y))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static float[] uniform(int n) {
        float[] m = new float[n];
        java.util.Arrays.fill(m, 1f);
        return m;
    }

    @Test
    void redDiscAtTheEdge_isHalvedByTheCrop_andWholeInTheFullOverlay() throws IOException {
        BufferedImage src = disc(640, 480, 109, 240, 30);
        byte[] bytes = png(src);
        CropBox box = TORCHVISION.cropBox(640, 480);
        // The crop starts at x = 108.9 in the source: the disc centred there is cut in two.
        BufferedImage crop = TORCHVISION.prepare(bytes).toBufferedImage();
        double s = 1 / box.scaleX();
        int inCrop = redInDisc(crop, box.cropX(109), box.cropY(240), 30 * s);
        double discInCrop = Math.PI * 30 * s * 30 * s;
        assertTrue(
                inCrop > 0.35 * discInCrop && inCrop < 0.65 * discInCrop,
                inCrop + " red pixels of " + discInCrop);

        BufferedImage full =
                FullOverlay.draw(
                        TORCHVISION.decode(bytes), box, uniform(224 * 224), 224, 224, 1024);
        assertEquals(640, full.getWidth());
        assertEquals(480, full.getHeight());
        // Greyed outside the crop, blended with the map inside: still red on both sides (the box
        // outline crosses it, 3 px wide).
        int whole = redInDisc(full, 109, 240, 29);
        double disc = Math.PI * 29 * 29;
        assertTrue(whole > 0.85 * disc, whole + " red pixels of " + disc);
        assertNotNull(FullOverlay.unseenNote(box));
    }

    @Test
    void discOutsideTheCrop_isAbsentFromTheCrop_andPresentGreyedInTheFullOverlay()
            throws IOException {
        BufferedImage src = disc(640, 480, 40, 240, 25);
        byte[] bytes = png(src);
        CropBox box = TORCHVISION.cropBox(640, 480);
        BufferedImage crop = TORCHVISION.prepare(bytes).toBufferedImage();
        assertEquals(0, redInDisc(crop, 112, 112, 200));
        BufferedImage full =
                FullOverlay.draw(
                        TORCHVISION.decode(bytes), box, uniform(224 * 224), 224, 224, 1024);
        assertTrue(redInDisc(full, 40, 240, 24) > 0.95 * Math.PI * 24 * 24);
        // Outside the crop the white background is greyed (no map colour), inside it is not grey.
        int outside = full.getRGB(20, 20);
        assertEquals((outside >> 16) & 255, outside & 255);
        assertEquals((outside >> 8) & 255, outside & 255);
        assertTrue((outside & 255) < 230);
        int inside = full.getRGB(320, 240);
        assertTrue(((inside >> 16) & 255) != (inside & 255), Integer.toHexString(inside));
    }

    @Test
    void large3000x2000_isScaledDown_withTheCropBoxOutlined_andTheMapMappedBack() {
        BufferedImage src = disc(3000, 2000, 0, 0, 1);
        CropBox box = TORCHVISION.cropBox(3000, 2000);
        // A map that is 0 on the crop's left half and 1 on its right half.
        float[] map = new float[224 * 224];
        for (int y = 0; y < 224; y++) {
            for (int x = 112; x < 224; x++) {
                map[y * 224 + x] = 1f;
            }
        }
        BufferedImage full = FullOverlay.draw(src, box, map, 224, 224, 1024);
        assertEquals(1024, full.getWidth());
        assertEquals(683, full.getHeight());
        double down = 1024 / 3000.0;
        int left = (int) Math.round(625 * down); // 213
        int right = (int) Math.round(2375 * down) - 1; // 810
        int mid = full.getHeight() / 2;
        assertEquals(0, full.getRGB(left - 1, mid) & 0xFFFFFF, "black outline left of the box");
        assertEquals(0, full.getRGB(right + 1, mid) & 0xFFFFFF, "black outline right of the box");
        assertEquals(0xFFFFFF, full.getRGB(left, mid) & 0xFFFFFF, "white line on the box");
        // The map's low half (blue) left of the source centre, its high half (red) right of it.
        int lowSide = full.getRGB((int) (1400 * down), mid);
        int highSide = full.getRGB((int) (1600 * down), mid);
        assertTrue((lowSide & 255) > ((lowSide >> 16) & 255), Integer.toHexString(lowSide));
        assertTrue(((highSide >> 16) & 255) > (highSide & 255), Integer.toHexString(highSide));
    }

    @Test
    void wholeImageSeen_hasNoNote() {
        CropBox seen =
                new ImagePreprocessor(
                                dev.licnn.engine.image.PreprocessConfig.builder()
                                        .optResizeShorter(224)
                                        .optCropSize(224)
                                        .build())
                        .cropBox(300, 300);
        assertNull(FullOverlay.unseenNote(seen));
    }
}
