package dev.licnn.engine.image;

/**
 * Applies an EXIF orientation (1-8) so that the pixels appear as the camera intended, the same
 * transposition PIL's {@code ImageOps.exif_transpose} performs.
 */
final class Orientation {
    private Orientation() {}

    /**
     * Returns {@code image} reoriented for the given EXIF orientation value; values other than 2-8
     * return the image unchanged.
     */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] src = image.pixels();
        int[] out = new int[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2: // mirror horizontally
                        sx = w - 1 - x;
                        sy = y;
                        break;
                    case 3: // rotate 180
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                        break;
                    case 4: // mirror vertically
                        sx = x;
                        sy = h - 1 - y;
                        break;
                    case 5: // transpose (mirror along the main diagonal)
                        sx = y;
                        sy = x;
                        break;
                    case 6: // rotate 90 degrees clockwise
                        sx = y;
                        sy = h - 1 - x;
                        break;
                    case 7: // transverse (mirror along the anti-diagonal)
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                        break;
                    default: // 8: rotate 90 degrees counter-clockwise
                        sx = w - 1 - y;
                        sy = x;
                        break;
                }
                out[y * ow + x] = src[sy * w + sx];
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
