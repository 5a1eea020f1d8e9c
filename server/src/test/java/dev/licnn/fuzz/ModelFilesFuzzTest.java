package dev.licnn.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import dev.licnn.engine.model.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Safetensors files and model folders from disk: opening a file, reading its header and loading
 * every tensor it declares either works (each array of the shape its header says; half precision
 * widened to float32, int16 to int32) or fails with an {@link IOException} naming the problem;
 * {@code model.json} and {@code labels.json} likewise. No other exception, and no more memory than
 * the file's size allows.
 */
class ModelFilesFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("licnn-fuzz-st");
        try {
            Path file = dir.resolve("weights.safetensors");
            Files.write(file, data);
            long start = Limits.allocated();
            try (SafeTensorsFile f = SafeTensors.open(file);
                    NDManager m = NDManager.newBaseManager(Device.cpu())) {
                for (TensorInfo info : f.infos().values()) {
                    try (NDArray a = f.load(info.name(), m)) {
                        assertEquals(info.shape(), a.getShape(), info.name());
                        boolean half =
                                info.dataType() == DataType.FLOAT16
                                        || info.dataType() == DataType.BFLOAT16;
                        DataType expected =
                                half
                                        ? DataType.FLOAT32
                                        : info.dataType() == DataType.INT16
                                                ? DataType.INT32
                                                : info.dataType();
                        assertEquals(expected, a.getDataType(), info.name());
                    }
                }
            } catch (IOException e) {
                assertNotNull(e.getMessage());
            }
            Limits.assertAllocatedAtMost(
                    start, (16L << 20) + 8L * data.length, "reading " + data.length + " bytes");
        } finally {
            delete(dir);
        }
    }

    /** {@code labels.json}, a NUL byte, then {@code model.json}. */
    @FuzzTest(maxDuration = "5m")
    void modelFolder(byte[] data) throws IOException {
        int nul = 0;
        while (nul < data.length && data[nul] != 0) {
            nul++;
        }
        Path dir = Files.createTempDirectory("licnn-fuzz-model");
        try {
            Files.write(dir.resolve("labels.json"), java.util.Arrays.copyOfRange(data, 0, nul));
            Files.write(
                    dir.resolve("model.json"),
                    java.util.Arrays.copyOfRange(
                            data, Math.min(data.length, nul + 1), data.length));
            try {
                ModelCard card = ModelCard.load(dir);
                assertNotNull(card.name());
                assertEquals(card.spec().numClasses(), card.labels().size());
            } catch (IOException e) {
                assertNotNull(e.getMessage());
            }
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }
}
