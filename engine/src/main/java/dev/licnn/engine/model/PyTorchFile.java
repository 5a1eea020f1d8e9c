package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch state dict saved with {@code torch.save(model.state_dict(), "model.pth")} (the
 * zip format of PyTorch 1.6 and later: {@code NAME/data.pkl} plus one {@code NAME/data/KEY} entry
 * per storage), through the restricted {@link TorchPickle}. Floating-point tensors become F32,
 * integer ones (batch-norm counters) INT64. A checkpoint dict with a {@code state_dict} or {@code
 * model} entry is unwrapped.
 */
final class PyTorchFile {

    private static final long MAX_PICKLE_BYTES = 64L << 20;

    private PyTorchFile() {}

    /** Reads every tensor of {@code path} into {@code dict}, by its state-dict name. */
    static LinkedHashMap<String, NDArray> read(Path path, NDManager manager) throws IOException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            String prefix = null;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String n = entries.nextElement().getName();
                if (n.endsWith("/constants.pkl")) {
                    throw new ModelFormatException(
                            path + ": a TorchScript module, not a state dict: name it .pt");
                }
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9) {
                    prefix = n.substring(0, n.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw new ModelFormatException(
                        path + ": a zip file without data.pkl, not a PyTorch state dict");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo =
                        new String(zip.getInputStream(order).readAllBytes(), StandardCharsets.UTF_8)
                                .trim();
                if (!bo.equals("little")) {
                    throw new ModelFormatException(
                            path + ": byte order '" + bo + "' is not supported (only little)");
                }
            }
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl.getSize() > MAX_PICKLE_BYTES) {
                throw new ModelFormatException(path + ": data.pkl is larger than 64 MB");
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(pkl)) {
                bytes = in.readNBytes((int) MAX_PICKLE_BYTES + 1);
            }
            Object root;
            try {
                root = TorchPickle.load(bytes);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(path + ": " + e.getMessage(), e);
            }
            Map<?, ?> tensors = stateDictOf(path, root);
            LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
            try {
                for (Map.Entry<?, ?> e : tensors.entrySet()) {
                    if (!(e.getKey() instanceof String name)) {
                        throw new ModelFormatException(
                                path + ": a state-dict key is not a string: " + e.getKey());
                    }
                    if (!(e.getValue() instanceof TorchPickle.Tensor t)) {
                        throw new ModelFormatException(
                                path
                                        + ": entry '"
                                        + name
                                        + "' is "
                                        + TorchPickle.describe(e.getValue())
                                        + ", not a tensor");
                    }
                    ZipEntry data = zip.getEntry(prefix + "data/" + t.storage().key());
                    if (data == null) {
                        throw new ModelFormatException(
                                path + ": no storage data/" + t.storage().key() + " for " + name);
                    }
                    out.put(name, tensor(zip, data, t, manager));
                }
            } catch (IOException | RuntimeException e) {
                out.values().forEach(NDArray::close);
                throw e;
            }
            return out;
        }
    }

    private static Map<?, ?> stateDictOf(Path path, Object root) throws ModelFormatException {
        if (root instanceof Map<?, ?> m) {
            for (String k : new String[] {"state_dict", "model_state_dict", "model"}) {
                if (m.get(k) instanceof Map<?, ?> inner) {
                    return inner;
                }
            }
            return m;
        }
        throw new ModelFormatException(
                path + ": holds " + TorchPickle.describe(root) + ", not a state dict");
    }

    private static NDArray tensor(
            ZipFile zip, ZipEntry data, TorchPickle.Tensor t, NDManager manager)
            throws IOException {
        TorchPickle.StorageType type = t.storage().type();
        long need = t.storage().numel() * type.bytes;
        if (data.getSize() >= 0 && data.getSize() < need) {
            throw new ModelFormatException(
                    data.getName() + " has " + data.getSize() + " bytes, need " + need);
        }
        Shape shape = new Shape(t.size());
        if (!type.isFloating()) {
            long[] values = new long[Math.toIntExact(t.numel())];
            byte[] raw;
            try (InputStream in = zip.getInputStream(data)) {
                raw = in.readNBytes(Math.toIntExact(need));
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            gather(t, (i, k) -> values[i] = readInteger(b, type, k));
            return manager.create(values, shape);
        }
        if (t.coversStorage()) {
            try (DataInputStream in = new DataInputStream(zip.getInputStream(data))) {
                byte[] chunk = new byte[ChunkedFill.CHUNK * type.bytes];
                return ChunkedFill.floats(
                        manager,
                        shape,
                        (dst, start, len) -> {
                            try {
                                in.readFully(chunk, 0, len * type.bytes);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            ByteBuffer b =
                                    ByteBuffer.wrap(chunk, 0, len * type.bytes)
                                            .order(ByteOrder.LITTLE_ENDIAN);
                            for (int i = 0; i < len; i++) {
                                dst.putFloat(readFloat(b, type, i));
                            }
                        });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
        // A view (offset, strides or a shared storage): gather from the whole storage.
        if (need > Integer.MAX_VALUE) {
            throw new ModelFormatException(
                    data.getName() + ": a strided view into a storage over 2 GB is not supported");
        }
        byte[] raw;
        try (InputStream in = zip.getInputStream(data)) {
            raw = in.readNBytes((int) need);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[Math.toIntExact(t.numel())];
        gather(t, (i, k) -> values[i] = readFloat(b, type, k));
        return manager.create(values, shape).toType(DataType.FLOAT32, false);
    }

    @FunctionalInterface
    private interface Sink {
        void accept(int index, int storageIndex);
    }

    /** Visits every element in row-major order with its storage index. */
    private static void gather(TorchPickle.Tensor t, Sink sink) {
        int n = Math.toIntExact(t.numel());
        int dims = t.size().length;
        long[] idx = new long[dims];
        for (int i = 0; i < n; i++) {
            long k = t.offset();
            for (int d = 0; d < dims; d++) {
                k += idx[d] * t.stride()[d];
            }
            sink.accept(i, Math.toIntExact(k));
            for (int d = dims - 1; d >= 0; d--) {
                if (++idx[d] < t.size()[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    private static float readFloat(ByteBuffer b, TorchPickle.StorageType type, int k) {
        switch (type) {
            case FLOAT:
                return b.getFloat(k * 4);
            case DOUBLE:
                return (float) b.getDouble(k * 8);
            case BFLOAT16:
                return Float.intBitsToFloat((b.getShort(k * 2) & 0xffff) << 16);
            case HALF:
                return halfToFloat(b.getShort(k * 2));
            default:
                throw new IllegalStateException(type + " is not floating");
        }
    }

    private static long readInteger(ByteBuffer b, TorchPickle.StorageType type, int k) {
        switch (type) {
            case LONG:
                return b.getLong(k * 8);
            case INT:
                return b.getInt(k * 4);
            case SHORT:
                return b.getShort(k * 2);
            case CHAR:
                return b.get(k);
            case BYTE:
            case BOOL:
                return b.get(k) & 0xff;
            default:
                throw new IllegalStateException(type + " is not an integer type");
        }
    }

    /** IEEE 754 binary16 to binary32. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }
}
