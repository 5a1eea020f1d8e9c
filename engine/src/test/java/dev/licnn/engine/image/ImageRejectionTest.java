package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageRejectionTest {
    private final ImagePreprocessor pre = new ImagePreprocessor();

    private String rejection(byte[] bytes) {
        return assertThrows(InvalidImageException.class, () -> pre.prepare(bytes)).getMessage();
    }

    private static BufferedImage noise(int w, int h) {
        Random rnd = new Random(7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        return img;
    }

    @Test
    void hugePngHeaderIsRejectedBeforeDecoding() {
        // Decoding 50000x50000 RGB would need 10 GB, far above the test JVM's heap: only a check on
        // the header, before any pixel buffer exists, can pass quickly.
        byte[] bomb = TestImages.pngHeaderOnly(50000, 50000);
        String msg = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejection(bomb));
        assertEquals(
                "image declares 50000x50000 = 2500000000 pixels, more than the limit of 40000000",
                msg);
    }

    @Test
    void hugeJpegHeaderIsRejectedBeforeDecoding() {
        byte[] jpeg = TestImages.jpeg(noise(16, 16));
        byte[] bomb = TestImages.patchJpegSize(jpeg, 60000, 60000);
        String msg = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejection(bomb));
        assertTrue(msg.startsWith("image declares 60000x60000 = 3600000000 pixels"), msg);
    }

    @Test
    void limitIsConfigurable() {
        ImagePreprocessor strict =
                new ImagePreprocessor(
                        PreprocessConfig.builder()
                                .optMaxPixels(399)
                                .optResizeShorter(4)
                                .optCropSize(4)
                                .build());
        byte[] png = TestImages.png(noise(20, 20));
        InvalidImageException e =
                assertThrows(InvalidImageException.class, () -> strict.prepare(png));
        assertEquals(
                "image declares 20x20 = 400 pixels, more than the limit of 399", e.getMessage());
        new ImagePreprocessor(
                        PreprocessConfig.builder()
                                .optMaxPixels(400)
                                .optResizeShorter(4)
                                .optCropSize(4)
                                .build())
                .prepare(png);
    }

    @Test
    void emptyInput() {
        assertEquals("image is empty (0 bytes)", rejection(new byte[0]));
        assertEquals("image is empty (0 bytes)", rejection(null));
    }

    @Test
    void unknownFormat() {
        byte[] random = new byte[100];
        new Random(1).nextBytes(random);
        random[0] = 0x12;
        String msg = rejection(random);
        assertTrue(msg.startsWith("not a PNG or JPEG image (first bytes: 0x12"), msg);
        assertTrue(
                rejection("GIF89a....".getBytes())
                        .startsWith("not a PNG or JPEG image (first bytes: 0x474946383961"));
        assertEquals("not a PNG or JPEG image (first bytes: 0x42)", rejection(new byte[] {0x42}));
    }

    @Test
    void truncatedPng() {
        byte[] png = TestImages.png(noise(64, 64));
        // Cut inside the header, and inside the compressed pixel data (IEND is the last 12 bytes,
        // the IDAT CRC the 4 before; a file missing only those still holds every pixel).
        for (int len : new int[] {8, 20, 40, png.length / 2, png.length - 40}) {
            String msg = rejection(Arrays.copyOf(png, len));
            assertTrue(msg.startsWith("corrupt or truncated image data: "), len + ": " + msg);
        }
    }

    @Test
    void truncatedJpeg() {
        byte[] jpeg = TestImages.jpeg(noise(64, 64));
        for (int len : new int[] {3, 10, 100, jpeg.length / 2, jpeg.length - 10}) {
            String msg = rejection(Arrays.copyOf(jpeg, len));
            assertTrue(msg.startsWith("corrupt or truncated image data: "), len + ": " + msg);
        }
    }

    @Test
    void garbageAfterValidSignature() {
        byte[] bytes = new byte[200];
        new Random(3).nextBytes(bytes);
        byte[] jpegSig = bytes.clone();
        jpegSig[0] = (byte) 0xFF;
        jpegSig[1] = (byte) 0xD8;
        jpegSig[2] = (byte) 0xFF;
        assertTrue(rejection(jpegSig).startsWith("corrupt or truncated image data: "));
        byte[] pngSig = TestImages.png(noise(4, 4));
        System.arraycopy(bytes, 0, pngSig, 16, Math.min(bytes.length, pngSig.length - 16));
        assertTrue(rejection(pngSig).startsWith("corrupt or truncated image data: "));
    }
}
