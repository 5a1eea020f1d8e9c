package dev.licnn.experiments.imaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes float32 arrays in NumPy's {@code .npy} format (version 1.0, little-endian, C
 * order).
 */
public final class Npy {

    private Npy() {}

    /** Writes {@code values} with {@code shape}. */
    public static void write(Path file, float[] values, int... shape) throws IOException {
        long n = 1;
        StringBuilder dims = new StringBuilder();
        for (int s : shape) {
            n *= s;
            dims.append(s).append(", ");
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape holds " + n + " values, got " + values.length);
        }
        String shapeText =
                shape.length == 1
                        ? "(" + shape[0] + ",)"
                        : "(" + dims.substring(0, dims.length() - 2) + ")";
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b =
                ByteBuffer.allocate(10 + header.length() + values.length * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }

    /** A float32 array read back: its shape and values. */
    public record Array(int[] shape, float[] values) {}

    /** Reads a little-endian float32 {@code .npy} file. */
    public static Array read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != (byte) 0x93) {
            throw new IOException(file + " is not a .npy file");
        }
        b.position(8);
        int len = b.getShort() & 0xffff;
        byte[] h = new byte[len];
        b.get(h);
        String header = new String(h, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(
                    "only little-endian float32 C-order arrays are supported: " + header.trim());
        }
        String dims = header.substring(header.indexOf("'shape': (") + 10);
        dims = dims.substring(0, dims.indexOf(')'));
        String[] parts = dims.split(",");
        int count = 0;
        for (String p : parts) {
            if (!p.isBlank()) {
                count++;
            }
        }
        int[] shape = new int[count];
        int i = 0;
        long n = 1;
        for (String p : parts) {
            if (!p.isBlank()) {
                shape[i] = Integer.parseInt(p.trim());
                n *= shape[i++];
            }
        }
        float[] v = new float[(int) n];
        b.asFloatBuffer().get(v);
        return new Array(shape, v);
    }
}
