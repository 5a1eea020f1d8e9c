package dev.licnn.dataset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The generator is plain Java2D; training may use the engine and DJL but never the transport. */
class PackageIndependenceTest {

    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "src/main/java/dev/licnn/dataset", List.of("ai.djl", "io.grpc", "dev.licnn.engine", "dev.licnn.server",
                    "dev.licnn.train", "dev.licnn.v1"),
            "src/main/java/dev/licnn/train", List.of("io.grpc", "dev.licnn.server", "dev.licnn.v1"));

    @Test
    void sources_importOnlyWhatTheirLayerAllows() throws IOException {
        for (Map.Entry<String, List<String>> e : FORBIDDEN.entrySet()) {
            Path dir = Path.of(e.getKey());
            assertTrue(Files.isDirectory(dir), "run from the server module: " + dir.toAbsolutePath());
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("import ")) {
                            for (String forbidden : e.getValue()) {
                                assertFalse(line.contains(forbidden), file.getFileName() + ": " + line);
                            }
                        }
                    }
                }
            }
        }
    }
}
