package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open safetensors file whose header has been validated. Tensor data is memory-mapped per tensor
 * (so files over 2 GB work; a single tensor must be under 2 GB) and copied into native arrays by
 * {@link #load}. Obtain one from {@link SafeTensors#open(Path)}.
 *
 * <p>Thread-safe for concurrent {@link #load} calls; close it once done.
 */
public final class SafeTensorsFile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(
            Path path,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    static SafeTensorsFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 8) {
                throw fail(
                        path, "file is " + size + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > SafeTensors.MAX_HEADER_BYTES) {
                throw fail(
                        path,
                        "header length "
                                + Long.toUnsignedString(headerLen)
                                + " is not in (0, "
                                + SafeTensors.MAX_HEADER_BYTES
                                + "]");
            }
            if (8 + headerLen > size) {
                throw fail(
                        path,
                        "header length "
                                + headerLen
                                + " exceeds the file size "
                                + size
                                + " (truncated file?)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String json = new String(headerBuf.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, json, size - dataStart, metadata);
            return new SafeTensorsFile(path, ch, dataStart, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(
            Path path, String json, long dataSize, Map<String, String> metadata)
            throws SafeTensorsFormatException {
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseString(json);
            if (!el.isJsonObject()) {
                throw fail(path, "header is not a JSON object");
            }
            root = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new SafeTensorsFormatException(
                    path + ": header is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            String name = e.getKey();
            if ("__metadata__".equals(name)) {
                if (!e.getValue().isJsonObject()) {
                    throw fail(path, "__metadata__ is not a JSON object");
                }
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive()) {
                        throw fail(path, "__metadata__ value '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            tensors.put(name, parseEntry(path, name, e.getValue(), dataSize));
        }
        checkOverlaps(path, tensors);
        return tensors;
    }

    private static TensorInfo parseEntry(Path path, String name, JsonElement value, long dataSize)
            throws SafeTensorsFormatException {
        String where = "tensor '" + name + "': ";
        try {
            if (!value.isJsonObject()) {
                throw fail(path, where + "header entry is not a JSON object");
            }
            JsonObject obj = value.getAsJsonObject();
            JsonElement dtypeEl = obj.get("dtype");
            JsonElement shapeEl = obj.get("shape");
            JsonElement offsetsEl = obj.get("data_offsets");
            if (dtypeEl == null || shapeEl == null || offsetsEl == null) {
                throw fail(path, where + "needs dtype, shape and data_offsets");
            }
            DataType type = SafeTensors.dataType(dtypeEl.getAsString());
            if (type == null) {
                throw fail(path, where + "unsupported dtype " + dtypeEl.getAsString());
            }
            JsonArray dims = shapeEl.getAsJsonArray();
            long[] shape = new long[dims.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw fail(path, where + "negative dimension in shape " + dims);
                }
                count = Math.multiplyExact(count, shape[i]);
            }
            JsonArray offs = offsetsEl.getAsJsonArray();
            if (offs.size() != 2) {
                throw fail(path, where + "data_offsets must have 2 entries, got " + offs);
            }
            long begin = offs.get(0).getAsLong();
            long end = offs.get(1).getAsLong();
            if (begin < 0 || end < begin) {
                throw fail(path, where + "invalid data_offsets [" + begin + ", " + end + "]");
            }
            if (end > dataSize) {
                throw fail(
                        path,
                        where
                                + "data_offsets ["
                                + begin
                                + ", "
                                + end
                                + "] lie outside the data section of "
                                + dataSize
                                + " bytes (truncated file?)");
            }
            long expected = Math.multiplyExact(count, (long) type.getNumOfBytes());
            if (end - begin != expected) {
                throw fail(
                        path,
                        where
                                + "shape "
                                + new Shape(shape)
                                + " of "
                                + dtypeEl.getAsString()
                                + " needs "
                                + expected
                                + " bytes but data_offsets ["
                                + begin
                                + ", "
                                + end
                                + "] span "
                                + (end - begin));
            }
            return new TensorInfo(name, type, new Shape(shape), begin, end);
        } catch (IllegalStateException
                | UnsupportedOperationException
                | NumberFormatException
                | ArithmeticException e) {
            throw new SafeTensorsFormatException(
                    path + ": " + where + "malformed header entry " + value + ": " + e.getMessage(),
                    e);
        }
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors)
            throws SafeTensorsFormatException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.byteSize() == 0) {
                continue;
            }
            if (prev != null && t.begin() < prev.end()) {
                throw fail(
                        path,
                        "tensor '"
                                + t.name()
                                + "' data ["
                                + t.begin()
                                + ", "
                                + t.end()
                                + "] overlaps tensor '"
                                + prev.name()
                                + "' ["
                                + prev.begin()
                                + ", "
                                + prev.end()
                                + "]");
            }
            prev = t;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new SafeTensorsFormatException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static SafeTensorsFormatException fail(Path path, String message) {
        return new SafeTensorsFormatException(path + ": " + message);
    }

    /**
     * @return the file this was opened from
     */
    public Path path() {
        return path;
    }

    /**
     * @return tensor names in header order
     */
    public Set<String> names() {
        return tensors.keySet();
    }

    /**
     * @return all header entries, in header order
     */
    public Map<String, TensorInfo> infos() {
        return tensors;
    }

    /**
     * Returns the header entry of a tensor.
     *
     * @param name tensor name
     * @return its data type (as stored), shape and offsets
     * @throws IllegalArgumentException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /**
     * @return the {@code __metadata__} map (empty if absent)
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Copies one tensor into a new native array owned by {@code manager}. The data goes from the
     * memory-mapped file straight to native memory; no heap copy is made.
     *
     * <p>F16 and BF16 tensors are converted to F32 on load (the model runs in F32, and DJL's
     * PyTorch engine cannot hold BF16 arrays, so BF16 is widened in Java); I16 tensors are widened
     * to I32 in Java (the engine aborts the process on an INT16 array); all other types keep their
     * stored type.
     *
     * @param name tensor name
     * @param manager owner of the returned array
     * @return the tensor
     * @throws IOException if mapping fails or the tensor is 2 GB or larger
     * @throws IllegalArgumentException if there is no such tensor
     */
    public NDArray load(String name, NDManager manager) throws IOException {
        TensorInfo info = info(name);
        DataType stored = info.dataType();
        boolean toFloat = stored == DataType.FLOAT16 || stored == DataType.BFLOAT16;
        if (info.shape().size() == 0) {
            return manager.create(
                    info.shape(),
                    toFloat
                            ? DataType.FLOAT32
                            : stored == DataType.INT16 ? DataType.INT32 : stored);
        }
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new IOException(
                    path
                            + ": tensor '"
                            + name
                            + "' is "
                            + info.byteSize()
                            + " bytes; tensors of 2 GB or more are not supported");
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException(path + " is closed");
        }
        MappedByteBuffer mapped =
                channel.map(
                        FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteSize());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        if (stored == DataType.INT16) {
            // Never hand INT16 to the engine: libtorch terminates the JVM on such an array.
            ShortBuffer src = mapped.asShortBuffer();
            int[] widened = new int[src.remaining()];
            for (int i = 0; i < widened.length; i++) {
                widened[i] = src.get(i);
            }
            return manager.create(widened, info.shape());
        }
        if (stored == DataType.BFLOAT16) {
            // The PyTorch engine of DJL cannot hold BF16 arrays; widen in Java (bits << 16).
            ShortBuffer src = mapped.asShortBuffer();
            return ChunkedFill.floats(
                    manager,
                    info.shape(),
                    (dst, start, len) -> {
                        for (int i = 0; i < len; i++) {
                            dst.putInt((src.get((int) start + i) & 0xFFFF) << 16);
                        }
                    });
        }
        // The engine wraps a direct buffer without copying; copy once into engine-owned memory so
        // the result neither aliases the read-only mapping nor keeps it alive.
        try (NDManager scratch = manager.newSubManager()) {
            NDArray view = scratch.create(mapped, info.shape(), stored);
            NDArray copy = toFloat ? view.toType(DataType.FLOAT32, true) : view.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    /** Closes the file channel; arrays already loaded stay valid. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
