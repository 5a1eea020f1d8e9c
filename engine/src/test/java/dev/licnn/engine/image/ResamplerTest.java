package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Checks the resampler against Pillow. The expected numbers come from Pillow 12.3.0 on {@link
 * TestImages#pattern} generated with the same formula in Python:
 *
 * <pre>
 * im = Image.new("RGB", (37, 23))
 * im.putdata([((x*13+y*7) &amp; 255, (x*y*5+31) &amp; 255, (255-x*3-y*5) &amp; 255)
 *             for y in range(23) for x in range(37)])
 * out = im.resize(size, Image.BILINEAR)
 * s = 0
 * for r, g, b in out.getdata(): s = (s*31 + (r&lt;&lt;16 | g&lt;&lt;8 | b)) &amp; 0x7fffffff
 * </pre>
 */
class ResamplerTest {
    private static final RgbImage PATTERN = TestImages.pattern(37, 23);

    private static void assertPil(
            int w, int h, long checksum, int topLeft, int at5x3, int bottomRight) {
        RgbImage out = Resampler.resize(PATTERN, w, h);
        assertEquals(w, out.width());
        assertEquals(h, out.height());
        assertEquals(topLeft, out.rgb(0, 0), "pixel (0, 0)");
        assertEquals(at5x3, out.rgb(5, 3), "pixel (5, 3)");
        assertEquals(bottomRight, out.rgb(w - 1, h - 1), "last pixel");
        assertEquals(checksum, TestImages.checksum(out.pixels()), "checksum of all pixels");
    }

    @Test
    void downscaleBothAxesMatchesPil() {
        // (17, 35, 248), (212, 152, 180), (93, 126, 44)
        assertPil(16, 10, 1496785272L, 0x1123F8, 0xD498B4, 0x5D7E2C);
    }

    @Test
    void upscaleBothAxesMatchesPil() {
        // (0, 31, 255), (35, 42, 243), (110, 151, 37)
        assertPil(80, 50, 683908532L, 0x001FFF, 0x232AF3, 0x6E9725);
    }

    @Test
    void singleAxisResizesMatchPil() {
        // Height only: (6, 31, 251), (118, 178, 202), (104, 162, 41)
        assertPil(37, 10, 1040673190L, 0x061FFB, 0x76B2CA, 0x68A229);
        // Width only: (17, 31, 251), (220, 39, 191), (93, 112, 41)
        assertPil(12, 23, 1963653652L, 0x111FFB, 0xDC27BF, 0x5D7029);
    }

    @Test
    void constantImageStaysConstant() {
        int[] px = new int[41 * 29];
        Arrays.fill(px, 0x7B2DC8);
        RgbImage in = new RgbImage(41, 29, px);
        for (int[] size : new int[][] {{10, 7}, {256, 180}, {41, 3}, {1, 1}, {300, 29}}) {
            RgbImage out = Resampler.resize(in, size[0], size[1]);
            for (int p : out.pixels()) {
                assertEquals(0x7B2DC8, p, "size " + Arrays.toString(size));
            }
        }
    }

    @Test
    void sameSizeIsIdentity() {
        assertArrayEquals(PATTERN.pixels(), Resampler.resize(PATTERN, 37, 23).pixels());
    }

    @Test
    void windowEqualsCropOfFullResize() {
        for (int[] size : new int[][] {{16, 10}, {80, 50}, {37, 30}, {20, 23}}) {
            RgbImage full = Resampler.resize(PATTERN, size[0], size[1]);
            int left = size[0] / 3;
            int top = size[1] / 4;
            int w = size[0] - left - 1;
            int h = size[1] - top - 2;
            RgbImage window = Resampler.resizeWindow(PATTERN, size[0], size[1], left, top, w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(
                            full.rgb(left + x, top + y),
                            window.rgb(x, y),
                            Arrays.toString(size) + " at " + x + "," + y);
                }
            }
        }
    }
}
