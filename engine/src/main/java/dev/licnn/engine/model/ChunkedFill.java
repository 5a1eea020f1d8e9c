package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds an F32 array from values computed in Java, one bounded chunk at a time, so that filling a
 * large tensor needs only a small direct buffer besides the engine-owned result.
 */
final class ChunkedFill {

    /** Elements per chunk (4 MB of floats). */
    static final int CHUNK = 1 << 20;

    /** Writes {@code len} floats for elements {@code start .. start+len-1} into {@code dst}. */
    @FunctionalInterface
    interface Source {
        void fill(ByteBuffer dst, long start, int len);
    }

    private ChunkedFill() {}

    /**
     * @param manager owner of the result
     * @param shape result shape
     * @param source value generator, called with increasing {@code start}
     * @return a new F32 array owned by {@code manager}
     */
    static NDArray floats(NDManager manager, Shape shape, Source source) {
        long n = shape.size();
        if (n == 0) {
            return manager.zeros(shape, DataType.FLOAT32);
        }
        NDArray flat = manager.zeros(new Shape(n), DataType.FLOAT32);
        ByteBuffer buf =
                ByteBuffer.allocateDirect((int) Math.min(n, CHUNK) * Float.BYTES)
                        .order(ByteOrder.nativeOrder());
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            buf.clear();
            source.fill(buf, start, len);
            buf.flip();
            if (buf.remaining() != len * Float.BYTES) {
                throw new IllegalStateException(
                        "chunk source wrote "
                                + buf.remaining()
                                + " bytes, not "
                                + len * Float.BYTES);
            }
            try (NDManager scratch = manager.newSubManager()) {
                // The engine wraps the direct buffer; set() copies it before the buffer is reused.
                NDArray chunk = scratch.create(buf, new Shape(len), DataType.FLOAT32);
                flat.set(new NDIndex("{}:{}", start, start + len), chunk);
            }
        }
        NDArray out = flat.reshape(shape);
        flat.close();
        return out;
    }
}
