package dev.licnn.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.InvalidImageException;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.engine.image.PreprocessConfig;

/**
 * Untrusted image bytes (PNG and JPEG headers, EXIF, CMYK/YCCK, truncation, bombs): either a
 * prepared 3 x 224 x 224 tensor of finite values, or {@link InvalidImageException} with a message;
 * never another exception, and never more memory than the pixel limit implies.
 *
 * <p>The seed corpus ({@code ImageFuzzTestInputs/}) runs as a regression test in every build;
 * {@code JAZZER_FUZZ=1} fuzzes (see {@code server/fuzz.sh}).
 */
class ImageFuzzTest {

    /** The pixel limit here: a 1024 x 1024 image. */
    static final long MAX_PIXELS = 1 << 20;

    /** Decoding, resizing and normalising one image within the limit stays well under this. */
    static final long MAX_ALLOCATED = 256L << 20;

    private static final ImagePreprocessor PREPROCESSOR =
            new ImagePreprocessor(PreprocessConfig.builder().optMaxPixels(MAX_PIXELS).build());

    @FuzzTest(maxDuration = "5m")
    void prepare(byte[] data) {
        long start = Limits.allocated();
        try {
            PreparedImage p = PREPROCESSOR.prepare(data);
            assertEquals(3 * 224 * 224, p.chw().length);
            for (float v : p.chw()) {
                assertFalse(
                        Float.isNaN(v) || Float.isInfinite(v),
                        "non-finite value in a prepared image");
            }
        } catch (InvalidImageException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
        Limits.assertAllocatedAtMost(
                start, MAX_ALLOCATED + 4L * data.length, "preparing " + data.length + " bytes");
    }
}
