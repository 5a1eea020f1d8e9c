package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.proto.Float16;
import dev.licnn.proto.v1.MapData;
import org.junit.jupiter.api.Test;

class DecodedMapTest {

    @Test
    void float32_decodesLittleEndianRowMajor() {
        DecodedMap m = DecodedMap.decode(TestMaps.float32(2, 3, 0f, 1f, -2.5f, 3e-8f, 1e30f, -0f));
        assertEquals(2, m.height());
        assertEquals(3, m.width());
        assertArrayEquals(new float[] {0f, 1f, -2.5f, 3e-8f, 1e30f, -0f}, m.values());
        assertEquals(-2.5f, m.get(0, 2));
        assertEquals(3e-8f, m.get(1, 0));
    }

    @Test
    void float16_decodesKnownValues() {
        DecodedMap m =
                DecodedMap.decode(
                        TestMaps.float16(
                                2, 4, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555,
                                0x8000));
        assertArrayEquals(
                new float[] {
                    1.0f, -2.0f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1365f / 4096, -0f
                },
                m.values());
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(m.get(1, 3)));
    }

    @Test
    void float16_decodesInfinitiesAndNan() {
        DecodedMap m = DecodedMap.decode(TestMaps.float16(1, 3, 0x7C00, 0xFC00, 0x7E00));
        assertEquals(Float.POSITIVE_INFINITY, m.get(0, 0));
        assertEquals(Float.NEGATIVE_INFINITY, m.get(0, 1));
        assertTrue(Float.isNaN(m.get(0, 2)));
    }

    @Test
    void float16_matchesReferenceFormulaForEveryFiniteHalf() {
        for (int h = 0; h < 0x10000; h++) {
            int exponent = (h >>> 10) & 0x1f;
            if (exponent == 0x1f) {
                continue;
            }
            int mantissa = h & 0x3ff;
            double magnitude =
                    exponent == 0
                            ? Math.scalb((double) mantissa, -24)
                            : Math.scalb((double) (1024 + mantissa), exponent - 25);
            float expected = (float) ((h & 0x8000) != 0 ? -magnitude : magnitude);
            int half = h;
            assertEquals(
                    Float.floatToIntBits(expected),
                    Float.floatToIntBits(Float16.toFloat((short) h)),
                    () -> "half 0x" + Integer.toHexString(half));
        }
    }

    @Test
    void uint8_scalesBetweenMinAndMax() {
        DecodedMap m = DecodedMap.decode(TestMaps.uint8(1, 4, -1f, 1f, 0, 255, 51, 128));
        assertArrayEquals(
                new float[] {-1f, 1f, -1f + 2f * 51 / 255, -1f + 2f * 128 / 255},
                m.values(),
                1e-6f);
    }

    @Test
    void uint8_constantMapIsMin() {
        DecodedMap m = DecodedMap.decode(TestMaps.uint8(1, 2, 0.5f, 0.5f, 0, 0));
        assertArrayEquals(new float[] {0.5f, 0.5f}, m.values());
    }

    @Test
    void wrongDataLength_isRejectedWithSizes() {
        MapData bad =
                TestMaps.float32(2, 2, 1f, 2f, 3f, 4f).toBuilder()
                        .setData(ByteString.copyFrom(new byte[15]))
                        .build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DecodedMap.decode(bad));
        assertTrue(e.getMessage().contains("2 x 2"), e.getMessage());
        assertTrue(e.getMessage().contains("must be 16 bytes, got 15"), e.getMessage());

        MapData badHalf = TestMaps.float16(1, 3, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> DecodedMap.decode(badHalf));
        MapData badByte = TestMaps.uint8(2, 2, 0f, 1f, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> DecodedMap.decode(badByte));
    }

    @Test
    void emptyOrNegativeSize_isRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> DecodedMap.decode(MapData.newBuilder().setHeight(0).setWidth(4).build()));
        assertThrows(IllegalArgumentException.class, () -> DecodedMap.of(2, 2, new float[3]));
    }

    @Test
    void valuesAreCopied() {
        float[] v = {1f, 2f};
        DecodedMap m = DecodedMap.of(1, 2, v);
        v[0] = 9f;
        m.values()[1] = 9f;
        assertArrayEquals(new float[] {1f, 2f}, m.values());
        assertEquals(m, DecodedMap.of(1, 2, new float[] {1f, 2f}));
    }
}
