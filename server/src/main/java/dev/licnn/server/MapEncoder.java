package dev.licnn.server;

import com.google.protobuf.ByteString;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.proto.Float16;
import dev.licnn.proto.v1.ImageSize;
import dev.licnn.proto.v1.MapData;
import dev.licnn.proto.v1.MapEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes engine maps into {@link MapData}: optional bilinear resize, then float32, float16 or
 * uint8.
 */
public final class MapEncoder {

    private MapEncoder() {}

    /**
     * @param outH output height, or 0 to keep the map's size
     * @param outW output width, or 0 to keep the map's size
     */
    public static MapData encode(FloatMap map, MapEncoding encoding, int outH, int outW) {
        FloatMap m =
                (outH > 0 && outW > 0 && (outH != map.height() || outW != map.width()))
                        ? resizeBilinear(map, outH, outW)
                        : map;
        float[] v = m.data();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        MapEncoding enc =
                encoding == MapEncoding.MAP_ENCODING_UNSPECIFIED
                                || encoding == MapEncoding.UNRECOGNIZED
                        ? MapEncoding.MAP_ENCODING_FLOAT32
                        : encoding;
        ByteBuffer buf;
        switch (enc) {
            case MAP_ENCODING_FLOAT16:
                buf = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    buf.putShort(Float16.fromFloat(x));
                }
                break;
            case MAP_ENCODING_UINT8:
                buf = ByteBuffer.allocate(v.length);
                float range = max - min;
                for (float x : v) {
                    int q = range > 0 ? Math.round(255f * (x - min) / range) : 0;
                    buf.put((byte) Math.max(0, Math.min(255, q)));
                }
                break;
            default:
                buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(v);
                buf.position(buf.capacity());
                break;
        }
        buf.flip();
        return MapData.newBuilder()
                .setHeight(m.height())
                .setWidth(m.width())
                .setEncoding(enc)
                .setData(ByteString.copyFrom(buf))
                .setMin(min)
                .setMax(max)
                .setMean((float) (sum / v.length))
                .setSourceSize(ImageSize.newBuilder().setHeight(map.height()).setWidth(map.width()))
                .build();
    }

    /** Decodes {@link MapData} back into floats (uint8 maps are de-quantised with min and max). */
    public static FloatMap decode(MapData d) {
        int n = d.getHeight() * d.getWidth();
        float[] out = new float[n];
        ByteBuffer b = d.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (d.getEncoding()) {
            case MAP_ENCODING_FLOAT16:
                for (int i = 0; i < n; i++) {
                    out[i] = Float16.toFloat(b.getShort());
                }
                break;
            case MAP_ENCODING_UINT8:
                for (int i = 0; i < n; i++) {
                    out[i] = d.getMin() + (d.getMax() - d.getMin()) * (b.get() & 0xff) / 255f;
                }
                break;
            default:
                b.asFloatBuffer().get(out);
                break;
        }
        return new FloatMap(d.getHeight(), d.getWidth(), out);
    }

    /** Bilinear resize with half-pixel centres (PyTorch's {@code align_corners=False}). */
    public static FloatMap resizeBilinear(FloatMap src, int outH, int outW) {
        int h = src.height();
        int w = src.width();
        float[] s = src.data();
        float[] out = new float[outH * outW];
        float sy = (float) h / outH;
        float sx = (float) w / outW;
        for (int y = 0; y < outH; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float ly = fy - y0;
            for (int x = 0; x < outW; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                float lx = fx - x0;
                float top = s[y0 * w + x0] * (1 - lx) + s[y0 * w + x1] * lx;
                float bot = s[y1 * w + x0] * (1 - lx) + s[y1 * w + x1] * lx;
                out[y * outW + x] = top * (1 - ly) + bot * ly;
            }
        }
        return new FloatMap(outH, outW, out);
    }
}
