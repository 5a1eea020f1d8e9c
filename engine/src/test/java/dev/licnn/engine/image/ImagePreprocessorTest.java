package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
    @Test
    void resizedSizeFollowsTorchvision() {
        // int(256 * long / short): truncation, shorter edge exactly 256.
        assertArrayEquals(new long[] {341, 256}, ImagePreprocessor.resizedSize(640, 480, 256));
        assertArrayEquals(new long[] {256, 341}, ImagePreprocessor.resizedSize(480, 640, 256));
        assertArrayEquals(new long[] {256, 256}, ImagePreprocessor.resizedSize(100, 100, 256));
        assertArrayEquals(new long[] {455, 256}, ImagePreprocessor.resizedSize(1000, 562, 256));
        // Extreme aspect ratios stay exact in long arithmetic.
        assertArrayEquals(
                new long[] {256, 10_240_000_000L},
                ImagePreprocessor.resizedSize(1, 40_000_000, 256));
    }

    @Test
    void cropOffsetRoundsHalfToEvenLikePython() {
        assertEquals(0, ImagePreprocessor.cropOffset(224, 224));
        assertEquals(16, ImagePreprocessor.cropOffset(256, 224));
        assertEquals(58, ImagePreprocessor.cropOffset(341, 224)); // round(58.5) = 58
        assertEquals(2, ImagePreprocessor.cropOffset(229, 224)); // round(2.5) = 2
        assertEquals(4, ImagePreprocessor.cropOffset(231, 224)); // round(3.5) = 4
        assertEquals(6, ImagePreprocessor.cropOffset(26, 15)); // round(5.5) = 6
    }

    private static ImagePreprocessor small(int resize, int crop) {
        return new ImagePreprocessor(
                PreprocessConfig.builder().optResizeShorter(resize).optCropSize(crop).build());
    }

    /**
     * Whole resize + crop against Pillow 12.3.0, pattern as in {@link ResamplerTest}: {@code
     * make(40, 30).resize((26, 20), BILINEAR).crop((6, 2, 21, 17))} and {@code make(30,
     * 45).resize((20, 30), BILINEAR).crop((2, 8, 17, 23))}.
     */
    @Test
    void resizeAndCropMatchPil() {
        PreparedImage landscape = small(20, 15).prepare(TestImages.pattern(40, 30));
        assertEquals(15, landscape.width());
        assertEquals(40, landscape.sourceWidth());
        int[] rgb = landscape.rgb();
        assertEquals(0x93B8D3, rgb[0]); // (147, 184, 211)
        assertEquals(0x3D6E29, rgb[rgb.length - 1]); // (61, 110, 41)
        assertEquals(53543199L, TestImages.checksum(rgb));

        PreparedImage portrait = small(20, 15).prepare(TestImages.pattern(30, 45));
        rgb = portrait.rgb();
        assertEquals(0x8098B8, rgb[0]); // (128, 152, 184)
        assertEquals(0x246E10, rgb[rgb.length - 1]); // (36, 110, 16)
        assertEquals(577120356L, TestImages.checksum(rgb));
    }

    @Test
    void normalisesWithImagenetMeanAndStd() {
        int[] px = new int[300 * 260];
        Arrays.fill(px, (128 << 16) | (64 << 8) | 255);
        PreparedImage img = new ImagePreprocessor().prepare(new RgbImage(300, 260, px));
        assertArrayEquals(new long[] {3, 224, 224}, img.shape());
        float[] chw = img.chw();
        assertEquals(3 * 224 * 224, chw.length);
        int plane = 224 * 224;
        // (v / 255 - mean) / std, e.g. (128/255 - 0.485) / 0.229 = 0.07406
        assertEquals((128 / 255.0 - 0.485) / 0.229, chw[0], 1e-5);
        assertEquals((64 / 255.0 - 0.456) / 0.224, chw[plane + 500], 1e-5);
        assertEquals((1.0 - 0.406) / 0.225, chw[2 * plane + plane - 1], 1e-5);
        assertEquals(0.07406, chw[123], 1e-4);
        assertEquals(-0.91527, chw[plane], 1e-4);
        assertEquals(2.64, chw[2 * plane], 1e-4);
    }

    @Test
    void customMeanStdAndChannelLayout() {
        ImagePreprocessor pre =
                new ImagePreprocessor(
                        PreprocessConfig.builder()
                                .optResizeShorter(2)
                                .optCropSize(2)
                                .optMean(0f, 0f, 0f)
                                .optStd(1f, 1f, 1f)
                                .build());
        RgbImage in = new RgbImage(2, 2, new int[] {0xFF0000, 0x00FF00, 0x0000FF, 0x336699});
        PreparedImage img = pre.prepare(in);
        float a = 0x33 / 255f;
        float b = 0x66 / 255f;
        float c = 0x99 / 255f;
        assertArrayEquals(new float[] {1, 0, 0, a, 0, 1, 0, b, 0, 0, 1, c}, img.chw());
        assertArrayEquals(in.pixels(), img.rgb());
        BufferedImage overlay = img.toBufferedImage();
        assertEquals(0x336699, overlay.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void endToEndFromPngBytes() {
        BufferedImage src = TestImages.filled(500, 375, BufferedImage.TYPE_INT_RGB, 0x405060);
        PreparedImage img = new ImagePreprocessor().prepare(TestImages.png(src));
        assertEquals(224, img.width());
        assertEquals(224, img.height());
        assertEquals(500, img.sourceWidth());
        for (int p : img.rgb()) {
            assertEquals(0x405060, p);
        }
    }

    @Test
    void accessorsReturnCopies() {
        PreparedImage img = small(4, 4).prepare(TestImages.pattern(4, 4));
        img.chw()[0] = 99f;
        img.rgb()[0] = 1;
        assertEquals(TestImages.pattern(4, 4).pixels()[0], img.rgb()[0]);
        assertEquals(
                ((TestImages.pattern(4, 4).pixels()[0] >> 16) / 255f - 0.485f) / 0.229f,
                img.chw()[0]);
    }

    @Test
    void tensorValidation() {
        float[] ok = new float[3 * 4 * 5];
        ImagePreprocessor.validateTensor(new long[] {3, 4, 5}, ok, 4, 5);
        ImagePreprocessor.validateTensor(new long[] {1, 3, 4, 5}, ok, 4, 5);

        assertEquals(
                "tensor shape [3, 5, 4] does not match the model input [3, 4, 5] or [1, 3, 4, 5]",
                reject(new long[] {3, 5, 4}, ok));
        assertEquals(
                "tensor shape [2, 3, 4, 5] does not match the model input [3, 4, 5] or "
                        + "[1, 3, 4, 5]",
                reject(new long[] {2, 3, 4, 5}, ok));
        assertEquals(
                "tensor shape [4, 5] does not match the model input [3, 4, 5] or [1, 3, 4, 5]",
                reject(new long[] {4, 5}, ok));
        assertEquals(
                "tensor shape [3, 4, 5] needs 60 values, got 59",
                reject(new long[] {3, 4, 5}, new float[59]));

        float[] nan = ok.clone();
        nan[1 * 20 + 2 * 5 + 3] = Float.NaN;
        assertEquals(
                "tensor value NaN at [channel 1, y 2, x 3] is not finite",
                reject(new long[] {3, 4, 5}, nan));
        float[] inf = ok.clone();
        inf[59] = Float.NEGATIVE_INFINITY;
        assertEquals(
                "tensor value -Infinity at [channel 2, y 3, x 4] is not finite",
                reject(new long[] {1, 3, 4, 5}, inf));
        assertEquals("tensor shape and values are required", reject(null, ok));

        ImagePreprocessor pre = new ImagePreprocessor();
        pre.validateTensor(new long[] {1, 3, 224, 224}, new float[3 * 224 * 224]);
        assertThrows(
                InvalidImageException.class,
                () -> pre.validateTensor(new long[] {3, 299, 299}, new float[3 * 299 * 299]));
    }

    private static String reject(long[] shape, float[] values) {
        return assertThrows(
                        InvalidImageException.class,
                        () -> ImagePreprocessor.validateTensor(shape, values, 4, 5))
                .getMessage();
    }
}
