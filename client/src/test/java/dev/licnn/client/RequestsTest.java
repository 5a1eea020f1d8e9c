package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestsTest {

    @Test
    void tensor_packsLittleEndianFloat32WithShape() {
        ImageInput in = Requests.tensor(new float[] {1f, -2f, 0f, 0f, 0f, 0f}, 1, 2);
        assertEquals(List.of(3, 1, 2), in.getTensor().getShapeList());
        byte[] data = in.getTensor().getData().toByteArray();
        assertEquals(24, data.length);
        assertArrayEquals(
                new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0},
                java.util.Arrays.copyOf(data, 8));
    }

    @Test
    void tensor_wrongLength_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Requests.tensor(new float[5], 1, 2));
    }

    @Test
    void image_readsEncodedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.png");
        Files.write(file, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Requests.image(file).getEncoded().toByteArray());
        assertArrayEquals(
                new byte[] {4}, Requests.image(new byte[] {4}).getEncoded().toByteArray());
    }

    @Test
    void explain_prefillsImage() {
        ExplainRequest r = Requests.explain(Requests.image(new byte[] {7})).setTopK(3).build();
        assertEquals(3, r.getTopK());
        assertEquals(1, r.getImage().getEncoded().size());
    }
}
