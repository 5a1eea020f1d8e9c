package dev.licnn.client;

import dev.licnn.proto.Float16;
import dev.licnn.proto.v1.MapData;
import dev.licnn.proto.v1.MapEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A 2-D float map decoded from a {@link MapData}: {@code height x width} values, row-major (value
 * {@code (y, x)} is element {@code y * width + x}). Immutable.
 *
 * <pre>{@code
 * DecodedMap m = DecodedMap.decode(event.getSaliencyMap().getMap());
 * float centre = m.get(m.height() / 2, m.width() / 2);
 * }</pre>
 */
public final class DecodedMap {
    private final int height;
    private final int width;
    private final float[] values;

    private DecodedMap(int height, int width, float[] values) {
        this.height = height;
        this.width = width;
        this.values = values;
    }

    /**
     * Wraps a copy of {@code values}.
     *
     * @throws IllegalArgumentException if a size is below 1 or {@code values.length != height *
     *     width}
     */
    public static DecodedMap of(int height, int width, float[] values) {
        checkSize(height, width);
        if ((long) height * width != values.length) {
            throw new IllegalArgumentException(
                    height
                            + " x "
                            + width
                            + " map needs "
                            + (long) height * width
                            + " values, got "
                            + values.length);
        }
        return new DecodedMap(height, width, values.clone());
    }

    /**
     * Decodes a map: {@code MAP_ENCODING_FLOAT32} and {@code MAP_ENCODING_FLOAT16} (little-endian
     * IEEE-754, unset is treated as FLOAT32) and {@code MAP_ENCODING_UINT8} ({@code min + (max -
     * min) * q / 255}).
     *
     * @throws IllegalArgumentException if the size is below 1, the encoding is unknown, or the data
     *     length does not match {@code height * width} values of that encoding
     */
    public static DecodedMap decode(MapData map) {
        int h = map.getHeight();
        int w = map.getWidth();
        checkSize(h, w);
        MapEncoding encoding = map.getEncoding();
        int bytesPerValue;
        switch (encoding) {
            case MAP_ENCODING_UNSPECIFIED:
            case MAP_ENCODING_FLOAT32:
                bytesPerValue = 4;
                break;
            case MAP_ENCODING_FLOAT16:
                bytesPerValue = 2;
                break;
            case MAP_ENCODING_UINT8:
                bytesPerValue = 1;
                break;
            default:
                throw new IllegalArgumentException(
                        "unknown map encoding " + map.getEncodingValue());
        }
        long count = (long) h * w;
        long expected = count * bytesPerValue;
        if (map.getData().size() != expected) {
            throw new IllegalArgumentException(
                    "map data of a "
                            + h
                            + " x "
                            + w
                            + " "
                            + encoding
                            + " map must be "
                            + expected
                            + " bytes, got "
                            + map.getData().size());
        }
        float[] values = new float[(int) count];
        ByteBuffer data = map.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (bytesPerValue == 4) {
            data.asFloatBuffer().get(values);
        } else if (bytesPerValue == 2) {
            for (int i = 0; i < values.length; i++) {
                values[i] = Float16.toFloat(data.getShort());
            }
        } else {
            float min = map.getMin();
            float range = map.getMax() - min;
            for (int i = 0; i < values.length; i++) {
                values[i] = min + range * (data.get() & 0xff) / 255f;
            }
        }
        return new DecodedMap(h, w, values);
    }

    private static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "map size must be at least 1 x 1, got " + height + " x " + width);
        }
    }

    /** Number of rows. */
    public int height() {
        return height;
    }

    /** Number of columns. */
    public int width() {
        return width;
    }

    /** Number of values, {@code height * width}. */
    public int size() {
        return values.length;
    }

    /** The value at row {@code y}, column {@code x}. */
    public float get(int y, int x) {
        if (y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException(
                    "(" + y + ", " + x + ") outside " + height + " x " + width);
        }
        return values[y * width + x];
    }

    /** A copy of the values, row-major. */
    public float[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedMap m
                && m.height == height
                && m.width == width
                && Arrays.equals(m.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "DecodedMap[" + height + " x " + width + "]";
    }
}
