package dev.licnn.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The batching library must stay free of the engine, DJL, gRPC and the protocol. */
class BatchPackageIndependenceTest {

    private static final List<String> FORBIDDEN = List.of("dev.licnn.engine", "dev.licnn.v1", "licnn.v1", "ai.djl", "io.grpc");

    @Test
    void sources_importNoEngineDjlOrGrpcClasses() throws IOException {
        Path dir = Path.of("src/main/java/dev/licnn/batch");
        assertTrue(Files.isDirectory(dir), "run from the server module: " + dir.toAbsolutePath());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import ")) {
                        for (String forbidden : FORBIDDEN) {
                            assertFalse(line.contains(forbidden), file.getFileName() + ": " + line);
                        }
                    }
                }
            }
        }
    }
}
