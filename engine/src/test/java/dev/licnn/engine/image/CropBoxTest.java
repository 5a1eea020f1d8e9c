package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class CropBoxTest {

    private static final ImagePreprocessor TORCHVISION = new ImagePreprocessor();

    @Test
    void landscape640x480_cropsTheSides_resize256Crop224() {
        CropBox b = TORCHVISION.cropBox(640, 480);
        assertEquals(341, b.resizedWidth());
        assertEquals(256, b.resizedHeight());
        assertEquals(58, b.left()); // round(58.5) = 58, half to even
        assertEquals(16, b.top());
        assertEquals(58 * 640 / 341.0, b.sourceLeft(), 1e-9);
        assertEquals(282 * 640 / 341.0, b.sourceRight(), 1e-9);
        assertEquals(30.0, b.sourceTop(), 1e-9);
        assertEquals(450.0, b.sourceBottom(), 1e-9);
        assertFalse(b.seesWholeImage());
        assertEquals(224.0 * 224 / (341 * 256), b.seenFraction(), 1e-12);
    }

    @Test
    void large3000x2000_mapsBackThroughTheScale() {
        CropBox b = TORCHVISION.cropBox(3000, 2000);
        assertEquals(384, b.resizedWidth());
        assertEquals(256, b.resizedHeight());
        assertEquals(80, b.left());
        assertEquals(16, b.top());
        assertEquals(625.0, b.sourceLeft(), 1e-9);
        assertEquals(2375.0, b.sourceRight(), 1e-9);
        assertEquals(125.0, b.sourceTop(), 1e-9);
        assertEquals(1875.0, b.sourceBottom(), 1e-9);
        // The source centre is the crop centre; the crop's corners are its edges.
        assertEquals(112.0, b.cropX(1500), 1e-9);
        assertEquals(112.0, b.cropY(1000), 1e-9);
        assertEquals(0.0, b.cropX(625), 1e-9);
        assertEquals(224.0, b.cropY(1875), 1e-9);
    }

    @Test
    void portraitAndSquare_cropTopAndBottomOrNothing() {
        CropBox portrait = TORCHVISION.cropBox(480, 640);
        assertEquals(16, portrait.left());
        assertEquals(58, portrait.top());
        CropBox square =
                new ImagePreprocessor(
                                PreprocessConfig.builder()
                                        .optResizeShorter(224)
                                        .optCropSize(224)
                                        .build())
                        .cropBox(500, 500);
        assertTrue(square.seesWholeImage());
        assertEquals(1.0, square.seenFraction(), 1e-12);
    }

    @Test
    void decode_keepsTheWholeImageAtItsOwnSize() {
        BufferedImage img = TestImages.filled(640, 480, BufferedImage.TYPE_INT_RGB, 0x336699);
        BufferedImage d = TORCHVISION.decode(TestImages.png(img));
        assertEquals(640, d.getWidth());
        assertEquals(480, d.getHeight());
        assertEquals(0x336699, d.getRGB(639, 479) & 0xFFFFFF);
    }
}
