package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir Path dir;
    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void roundTripF32I64AndMetadata() throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", manager.arange(24f).reshape(2, 3, 4).sub(7.5f));
        tensors.put("a.index", manager.create(new long[] {1L << 40, -3, 0, 5}, new Shape(2, 2)));
        tensors.put("scalar", manager.create(3.25f));
        tensors.put("empty", manager.create(new Shape(0, 3), DataType.FLOAT32));
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "héllo \"q\""));

        assertEquals(0, headerLength(file) % 8, "header padded to 8 bytes");
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("b.weight", "a.index", "scalar", "empty"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt", "note", "héllo \"q\""), f.metadata());
            assertEquals(DataType.INT64, f.info("a.index").dataType());
            assertEquals(new Shape(2, 3, 4), f.info("b.weight").shape());
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                NDArray back = f.load(e.getKey(), manager);
                assertEquals(e.getValue().getDataType(), back.getDataType(), e.getKey());
                assertEquals(e.getValue().getShape(), back.getShape(), e.getKey());
                assertArrayEquals(e.getValue().toByteArray(), back.toByteArray(), e.getKey());
            }
            IllegalArgumentException ex =
                    assertThrows(IllegalArgumentException.class, () -> f.info("nope"));
            assertTrue(ex.getMessage().contains("nope"));
        }
    }

    @Test
    void loadedArrayIsAWritableCopy() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, Map.of("x", manager.ones(new Shape(3))), Map.of());
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            NDArray x = f.load("x", manager);
            x.addi(1f); // would fault if it aliased the read-only mapping
            assertArrayEquals(new float[] {2, 2, 2}, x.toFloatArray());
        }
        Files.delete(file);
    }

    @Test
    void halfPrecisionLoadsAsF32() throws IOException {
        float[] values = {0.5f, -2f, 3f, 1024f, -0.09375f, 0f};
        NDArray x = manager.create(values, new Shape(2, 3));
        Path f16 = dir.resolve("h.safetensors");
        SafeTensors.write(f16, Map.of("h", x.toType(DataType.FLOAT16, true)), null);

        // DJL's PyTorch engine cannot create BF16 arrays, so build that file by hand.
        ByteBuffer bf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bf.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        Path bf16 =
                raw(
                        "{\"bf\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,12]}}",
                        0,
                        bf.array());

        try (SafeTensorsFile a = SafeTensors.open(f16);
                SafeTensorsFile b = SafeTensors.open(bf16)) {
            assertEquals(DataType.FLOAT16, a.info("h").dataType());
            assertEquals(DataType.BFLOAT16, b.info("bf").dataType());
            for (NDArray back : List.of(a.load("h", manager), b.load("bf", manager))) {
                assertEquals(DataType.FLOAT32, back.getDataType());
                assertEquals(new Shape(2, 3), back.getShape());
                assertArrayEquals(values, back.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void readsFileWrittenByPython() throws IOException {
        Path file = Path.of("src/test/resources/tiny/tiny_vgg.safetensors");
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(new Shape(4, 3, 3, 3), f.info("features.0.weight").shape());
            assertEquals("pt", f.metadata().get("format"));
            assertEquals(10, f.names().size());
        }
    }

    @Test
    void truncatedFiles() throws IOException {
        Path good = dir.resolve("g.safetensors");
        SafeTensors.write(good, Map.of("w", manager.ones(new Shape(4, 4))), Map.of());
        byte[] bytes = Files.readAllBytes(good);

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, Arrays.copyOf(bytes, 5));
        assertMessage(tiny, "too short");

        Path cutHeader = dir.resolve("cut-header.safetensors");
        Files.write(cutHeader, Arrays.copyOf(bytes, 20));
        assertMessage(cutHeader, "exceeds the file size");

        Path cutData = dir.resolve("cut-data.safetensors");
        Files.write(cutData, Arrays.copyOf(bytes, bytes.length - 4));
        assertMessage(cutData, "tensor 'w'", "outside the data section");
    }

    @Test
    void headerErrorsNameTheTensor() throws IOException {
        assertMessage(
                raw(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,4096]}}",
                        16),
                "tensor 'far'",
                "[8, 4096]",
                "outside");
        assertMessage(
                raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'",
                "needs 24 bytes",
                "span 16");
        assertMessage(
                raw("{\"w\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
                "tensor 'w'",
                "unsupported dtype Q7");
        assertMessage(
                raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w'", "data_offsets");
        assertMessage(
                raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"x\"],\"data_offsets\":[0,4]}}", 4),
                "tensor 'w'",
                "malformed");
        assertMessage(
                raw(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        8),
                "overlaps");
        assertMessage(raw("{not json", 0), "not valid JSON");
        assertMessage(raw("[1,2]", 0), "not a JSON object");
    }

    private Path raw(String header, int dataBytes) throws IOException {
        return raw(header, dataBytes, new byte[0]);
    }

    private Path raw(String header, int zeroBytes, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(8 + json.length + zeroBytes + data.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Path p = Files.createTempFile(dir, "raw", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void assertMessage(Path file, String... parts) {
        SafeTensorsFormatException ex =
                assertThrows(
                        SafeTensorsFormatException.class, () -> SafeTensors.open(file).close());
        for (String part : parts) {
            assertTrue(
                    ex.getMessage().contains(part),
                    () -> "'" + part + "' not in: " + ex.getMessage());
        }
        assertTrue(ex.getMessage().contains(file.getFileName().toString()), ex.getMessage());
    }

    private static long headerLength(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
