package dev.licnn.experiments.measure;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Binary masks from PNG files, brought to a saliency map's geometry. */
public final class Masks {

    private Masks() {}

    /**
     * Reads a mask (non-zero = object) and maps it to {@code h x w} with the model's pre-processing
     * geometry: shorter edge resized to {@code resizeShorter}, then a centre crop of {@code h x w}
     * (nearest neighbour). A mask already of size {@code h x w} is used as it is.
     */
    public static boolean[] read(Path png, int resizeShorter, int h, int w) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException("cannot read mask " + png);
        }
        int sw = img.getWidth();
        int sh = img.getHeight();
        boolean[] out = new boolean[h * w];
        if (sw == w && sh == h) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (img.getRGB(x, y) & 0xffffff) != 0;
                }
            }
            return out;
        }
        double scale = (double) resizeShorter / Math.min(sw, sh);
        int rw = (int) (sw * scale);
        int rh = (int) (sh * scale);
        int left = (int) Math.round((rw - w) / 2.0);
        int top = (int) Math.round((rh - h) / 2.0);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int srcX = Math.min(sw - 1, (int) ((x + left + 0.5) / scale));
                int srcY = Math.min(sh - 1, (int) ((y + top + 0.5) / scale));
                out[y * w + x] = (img.getRGB(srcX, srcY) & 0xffffff) != 0;
            }
        }
        return out;
    }
}
