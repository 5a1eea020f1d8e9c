package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format
 * without going through the Java heap for tensor data.
 *
 * <p>Reading memory-maps each tensor and copies it straight into a native array:
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager();
 *      SafeTensorsFile file = SafeTensors.open(Path.of("vgg16.safetensors"))) {
 *     for (String name : file.names()) {
 *         NDArray w = file.load(name, manager);   // owned by manager
 *         System.out.println(name + " " + w.getShape());
 *     }
 * }
 * }</pre>
 *
 * <p>Writing streams each array's bytes in order:
 *
 * <pre>{@code
 * Map<String, NDArray> tensors = new LinkedHashMap<>();
 * tensors.put("features.0.weight", weight);
 * SafeTensors.write(Path.of("out.safetensors"), tensors, Map.of("format", "pt"));
 * }</pre>
 */
public final class SafeTensors {

    /** Largest header accepted, as in the reference implementation (100 MB). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SafeTensors() {}

    /**
     * Opens a safetensors file: parses and validates the header; tensor data is mapped on demand.
     *
     * @param path the file
     * @return the open file; close it to release the channel
     * @throws SafeTensorsFormatException if the header is malformed or offsets do not fit the file
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        return SafeTensorsFile.open(path);
    }

    /**
     * Writes tensors, in map iteration order, to a safetensors file, streaming each array's native
     * memory to the file (no heap copy). The file is written to a temporary sibling and moved into
     * place, so a failed write leaves no partial file.
     *
     * @param path destination (replaced if it exists)
     * @param tensors name to array, in the order to write (use a {@link java.util.LinkedHashMap})
     * @param metadata string metadata stored under {@code __metadata__}; may be empty or null
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if an array's data type has no safetensors equivalent
     */
    public static void write(Path path, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if ("__metadata__".equals(e.getKey())) {
                throw new IllegalArgumentException("'__metadata__' is reserved, not a tensor name");
            }
            NDArray array = e.getValue();
            long bytes = array.getShape().size() * array.getDataType().getNumOfBytes();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtypeName(e.getKey(), array.getDataType()));
            JsonArray shape = new JsonArray();
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch =
                    FileChannel.open(
                            tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    writeFully(ch, littleEndianBytes(e.getValue()));
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ByteBuffer littleEndianBytes(NDArray array) {
        // Direct view of the array's native memory: no heap copy (toByteBuffer() would allocate a
        // byte[] of the tensor's size). A non-contiguous array is first made contiguous by the
        // engine; that copy belongs to the array's manager.
        ByteBuffer bb = array.toByteBuffer(true);
        if (bb.order() == ByteOrder.LITTLE_ENDIAN || array.getDataType().getNumOfBytes() == 1) {
            return bb;
        }
        // Big-endian platform: swap element bytes.
        int width = array.getDataType().getNumOfBytes();
        ByteBuffer out = ByteBuffer.allocateDirect(bb.remaining());
        byte[] elem = new byte[width];
        while (bb.hasRemaining()) {
            bb.get(elem);
            for (int i = width - 1; i >= 0; i--) {
                out.put(elem[i]);
            }
        }
        out.flip();
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Safetensors dtype name of a DJL data type. */
    static String dtypeName(String tensor, DataType type) {
        switch (type) {
            case FLOAT64:
                return "F64";
            case FLOAT32:
                return "F32";
            case FLOAT16:
                return "F16";
            case BFLOAT16:
                return "BF16";
            case INT64:
                return "I64";
            case INT32:
                return "I32";
            case INT16:
                return "I16";
            case INT8:
                return "I8";
            case UINT8:
                return "U8";
            case BOOLEAN:
                return "BOOL";
            default:
                throw new IllegalArgumentException(
                        "tensor '"
                                + tensor
                                + "': data type "
                                + type
                                + " cannot be stored in safetensors");
        }
    }

    /** DJL data type of a safetensors dtype name, or null if unsupported. */
    static DataType dataType(String dtype) {
        switch (dtype) {
            case "F64":
                return DataType.FLOAT64;
            case "F32":
                return DataType.FLOAT32;
            case "F16":
                return DataType.FLOAT16;
            case "BF16":
                return DataType.BFLOAT16;
            case "I64":
                return DataType.INT64;
            case "I32":
                return DataType.INT32;
            case "I16":
                return DataType.INT16;
            case "I8":
                return DataType.INT8;
            case "U8":
                return DataType.UINT8;
            case "BOOL":
                return DataType.BOOLEAN;
            default:
                return null;
        }
    }
}
