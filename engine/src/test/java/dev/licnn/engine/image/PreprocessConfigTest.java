package dev.licnn.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PreprocessConfigTest {
    @Test
    void defaultsAreTheImagenetRecipe() {
        PreprocessConfig c = PreprocessConfig.defaults();
        assertEquals(256, c.resizeShorter());
        assertEquals(224, c.cropSize());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, c.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, c.std());
        assertEquals(40_000_000L, c.maxPixels());
        assertEquals(c, PreprocessConfig.builder().build());
    }

    @Test
    void builderSetsValuesAndConfigIsImmutable() {
        float[] mean = {0.5f, 0.5f, 0.5f};
        PreprocessConfig.Builder b =
                PreprocessConfig.builder()
                        .optResizeShorter(342)
                        .optCropSize(299)
                        .optMean(mean)
                        .optStd(0.5f, 0.5f, 0.5f)
                        .optMaxPixels(1000);
        PreprocessConfig c = b.build();
        mean[0] = 9f;
        c.mean()[1] = 9f;
        b.optCropSize(1);
        assertEquals(299, c.cropSize());
        assertEquals(342, c.resizeShorter());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, c.mean());
        assertEquals(1000, c.maxPixels());
    }

    @Test
    void buildValidates() {
        assertEquals(
                "resizeShorter must be positive, got 0",
                invalid(PreprocessConfig.builder().optResizeShorter(0)));
        assertEquals(
                "cropSize must be positive, got -1",
                invalid(PreprocessConfig.builder().optCropSize(-1)));
        assertEquals(
                "cropSize 300 must not exceed resizeShorter 256",
                invalid(PreprocessConfig.builder().optCropSize(300)));
        assertEquals(
                "mean must have exactly 3 values (R, G, B), got [0.5, 0.5]",
                invalid(PreprocessConfig.builder().optMean(0.5f, 0.5f)));
        assertEquals(
                "std must have exactly 3 values (R, G, B), got null",
                invalid(PreprocessConfig.builder().optStd((float[]) null)));
        assertEquals(
                "std values must be positive, got [0.2, 0.0, 0.2]",
                invalid(PreprocessConfig.builder().optStd(0.2f, 0f, 0.2f)));
        assertEquals(
                "mean values must be finite, got [NaN, 0.0, 0.0]",
                invalid(PreprocessConfig.builder().optMean(Float.NaN, 0f, 0f)));
        assertEquals(
                "maxPixels must be positive, got 0",
                invalid(PreprocessConfig.builder().optMaxPixels(0)));
    }

    private static String invalid(PreprocessConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }
}
