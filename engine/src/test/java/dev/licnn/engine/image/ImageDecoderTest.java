package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static final long LIMIT = PreprocessConfig.DEFAULT_MAX_PIXELS;

    private static RgbImage decode(byte[] bytes) {
        return ImageDecoder.decode(bytes, LIMIT);
    }

    @Test
    void pngRgbIsExact() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x123456, 0xFFFFFF, 0x000000};
        img.setRGB(0, 0, 3, 2, colours, 0, 3);
        RgbImage out = decode(TestImages.png(img));
        assertEquals(3, out.width());
        assertEquals(2, out.height());
        assertArrayEquals(colours, out.pixels());
    }

    @Test
    void pngAlphaIsDroppedNotComposited() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80102030); // half transparent
        img.setRGB(1, 0, 0x00FFEEDD); // fully transparent keeps its colour
        RgbImage out = decode(TestImages.png(img));
        assertArrayEquals(new int[] {0x102030, 0xFFEEDD}, out.pixels());
    }

    @Test
    void pngGrayIsReplicated() {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 77, 255});
        RgbImage out = decode(TestImages.png(img));
        assertArrayEquals(new int[] {0x000000, 0x4D4D4D, 0xFFFFFF}, out.pixels());
    }

    @Test
    void png16BitGrayKeepsHighByte() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {0x1234, 0xFFFF});
        RgbImage out = decode(TestImages.png(img));
        assertArrayEquals(new int[] {0x121212, 0xFFFFFF}, out.pixels());
    }

    @Test
    void png16BitRgbKeepsHighByte() {
        ComponentColorModel cm =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_sRGB),
                        new int[] {16, 16, 16},
                        false,
                        false,
                        Transparency.OPAQUE,
                        DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixels(0, 0, 2, 1, new int[] {0xABCD, 0x0100, 0xFFFF, 0, 0x7F80, 0x00FF});
        RgbImage out = decode(TestImages.png(new BufferedImage(cm, raster, false, null)));
        assertArrayEquals(new int[] {0xAB01FF, 0x007F00}, out.pixels());
    }

    @Test
    void pngPaletteAndOneBit() {
        IndexColorModel palette =
                new IndexColorModel(
                        8,
                        2,
                        new byte[] {(byte) 200, 10},
                        new byte[] {100, 20},
                        new byte[] {50, 30});
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {1, 0});
        assertArrayEquals(new int[] {0x0A141E, 0xC86432}, decode(TestImages.png(img)).pixels());

        BufferedImage binary = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setPixels(0, 0, 2, 1, new int[] {0, 1});
        assertArrayEquals(new int[] {0x000000, 0xFFFFFF}, decode(TestImages.png(binary)).pixels());
    }

    @Test
    void jpegRgbAndGray() {
        RgbImage rgb =
                decode(
                        TestImages.jpeg(
                                TestImages.filled(16, 16, BufferedImage.TYPE_INT_RGB, 0x3366CC)));
        assertNear(0x3366CC, rgb.rgb(8, 8), 4);

        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setSample(x, y, 0, 100);
            }
        }
        assertNear(0x646464, decode(TestImages.jpeg(gray)).rgb(5, 5), 2);
    }

    /** CMYK test image: left half red (C=0 M=Y=255 K=0), right half dark cyan (C=255, K=128). */
    private static final int[][] CMYK_HALVES = {{0, 255, 255, 0}, {255, 0, 0, 128}};

    private static final int[] RGB_HALVES = {0xFF0000, 0x007F7F};

    private static Raster cmykRaster(java.util.function.UnaryOperator<int[]> encode) {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, encode.apply(CMYK_HALVES[x < 8 ? 0 : 1].clone()));
            }
        }
        return r;
    }

    private static void assertCmykHalves(RgbImage out) {
        assertEquals(16, out.width());
        assertNear(RGB_HALVES[0], out.rgb(3, 8), 10);
        assertNear(RGB_HALVES[1], out.rgb(12, 8), 10);
    }

    @Test
    void jpegCmykWithoutAdobeMarker() {
        assertCmykHalves(decode(TestImages.jpeg(cmykRaster(c -> c))));
    }

    @Test
    void jpegAdobeInvertedCmyk() {
        byte[] jpeg =
                TestImages.jpeg(
                        cmykRaster(
                                c -> new int[] {255 - c[0], 255 - c[1], 255 - c[2], 255 - c[3]}));
        assertCmykHalves(decode(TestImages.insertSegment(jpeg, 0xEE, TestImages.adobe(0))));
    }

    @Test
    void jpegAdobeYcck() {
        // Adobe YCCK stores YCbCr of (C, M, Y) and the inverted K; see libjpeg's cmyk_ycck_convert.
        byte[] jpeg =
                TestImages.jpeg(
                        cmykRaster(
                                c -> {
                                    double r = c[0];
                                    double g = c[1];
                                    double b = c[2];
                                    return new int[] {
                                        clamp(0.299 * r + 0.587 * g + 0.114 * b),
                                        clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128),
                                        clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128),
                                        255 - c[3]
                                    };
                                }));
        assertCmykHalves(decode(TestImages.insertSegment(jpeg, 0xEE, TestImages.adobe(2))));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** 32x16: top-left quadrant red, top-right green, bottom half blue. */
    private static byte[] quadrantJpeg(int orientation, boolean littleEndian) {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, y >= 8 ? 0x0000FF : x < 16 ? 0xFF0000 : 0x00FF00);
            }
        }
        byte[] jpeg = TestImages.jpeg(img);
        return orientation == 0
                ? jpeg
                : TestImages.insertSegment(
                        jpeg, 0xE1, TestImages.exifOrientation(orientation, littleEndian));
    }

    /**
     * Checks the centres of the four quadrants (top-left, top-right, bottom-left, bottom-right).
     */
    private static void assertQuadrants(RgbImage out, int w, int h, int... expected) {
        assertEquals(w, out.width());
        assertEquals(h, out.height());
        assertNear(expected[0], out.rgb(w / 4, h / 4), 40);
        assertNear(expected[1], out.rgb(3 * w / 4, h / 4), 40);
        assertNear(expected[2], out.rgb(w / 4, 3 * h / 4), 40);
        assertNear(expected[3], out.rgb(3 * w / 4, 3 * h / 4), 40);
    }

    @Test
    void exifOrientation() {
        int red = 0xFF0000;
        int green = 0x00FF00;
        int blue = 0x0000FF;
        assertQuadrants(decode(quadrantJpeg(0, false)), 32, 16, red, green, blue, blue);
        assertQuadrants(decode(quadrantJpeg(1, false)), 32, 16, red, green, blue, blue);
        for (boolean little : new boolean[] {false, true}) {
            // 6: rotate 90 clockwise, the left column becomes the top row.
            assertQuadrants(decode(quadrantJpeg(6, little)), 16, 32, blue, red, blue, green);
            // 8: rotate 90 counter-clockwise, the right column becomes the top row.
            assertQuadrants(decode(quadrantJpeg(8, little)), 16, 32, green, blue, red, blue);
            // 3: rotate 180.
            assertQuadrants(decode(quadrantJpeg(3, little)), 32, 16, blue, blue, green, red);
        }
    }

    @Test
    void exifOrientationParsing() {
        for (int o = 1; o <= 8; o++) {
            byte[] exif = TestImages.exifOrientation(o, o % 2 == 0);
            assertEquals(o, JpegMarkers.exifOrientation(exif, 6, exif.length - 6));
        }
        byte[] bad = TestImages.exifOrientation(9, false);
        assertEquals(1, JpegMarkers.exifOrientation(bad, 6, bad.length - 6));
        assertEquals(1, JpegMarkers.exifOrientation(bad, 6, 10)); // truncated IFD
    }

    @Test
    void malformedExifIsIgnored() {
        byte[] jpeg =
                TestImages.jpeg(TestImages.filled(8, 4, BufferedImage.TYPE_INT_RGB, 0x808080));
        byte[] junk = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0x7F, 0, 0, 0};
        RgbImage out = decode(TestImages.insertSegment(jpeg, 0xE1, junk));
        assertEquals(8, out.width());
        assertTrue(JpegMarkers.scan(jpeg).orientation == 1);
    }

    static void assertNear(int expected, int actual, int tolerance) {
        for (int shift = 16; shift >= 0; shift -= 8) {
            int e = (expected >> shift) & 0xFF;
            int a = (actual >> shift) & 0xFF;
            if (Math.abs(e - a) > tolerance) {
                throw new AssertionError(
                        String.format(
                                "expected ~%06x but was %06x (tolerance %d)",
                                expected, actual & 0xFFFFFF, tolerance));
            }
        }
    }
}
