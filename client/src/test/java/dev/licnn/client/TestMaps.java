package dev.licnn.client;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.MapData;
import dev.licnn.proto.v1.MapEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds {@link MapData} messages the way the server packs them. */
final class TestMaps {
    private TestMaps() {}

    static MapData float32(int h, int w, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return base(h, w, MapEncoding.MAP_ENCODING_FLOAT32, b.array()).build();
    }

    static MapData float16(int h, int w, int... halves) {
        ByteBuffer b = ByteBuffer.allocate(2 * halves.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : halves) {
            b.putShort((short) v);
        }
        return base(h, w, MapEncoding.MAP_ENCODING_FLOAT16, b.array()).build();
    }

    static MapData uint8(int h, int w, float min, float max, int... q) {
        byte[] bytes = new byte[q.length];
        for (int i = 0; i < q.length; i++) {
            bytes[i] = (byte) q[i];
        }
        return base(h, w, MapEncoding.MAP_ENCODING_UINT8, bytes).setMin(min).setMax(max).build();
    }

    /** A deterministic h x w float32 map: value (y, x) = seed + (y * w + x) / 16. */
    static MapData pattern(int h, int w, float seed) {
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = seed + i / 16f;
        }
        return float32(h, w, v);
    }

    private static MapData.Builder base(int h, int w, MapEncoding e, byte[] data) {
        return MapData.newBuilder()
                .setHeight(h)
                .setWidth(w)
                .setEncoding(e)
                .setData(ByteString.copyFrom(data));
    }
}
