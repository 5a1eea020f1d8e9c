package dev.licnn.server.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The web port hosts whatever gRPC services it is given: it knows nothing of LICNN, batching or DJL. */
class WebPackageIndependenceTest {

    private static final Path DIR = Path.of("src/main/java/dev/licnn/server/web");
    private static final List<String> FORBIDDEN = List.of("ai.djl", "dev.licnn.engine", "dev.licnn.batch", "dev.licnn.proto");

    @Test
    void sources_importNeitherTheEngineNorTheBatcherNorTheGrpcLayer() throws IOException {
        assertTrue(Files.isDirectory(DIR), "run from the server module: " + DIR.toAbsolutePath());
        int files = 0;
        try (Stream<Path> list = Files.list(DIR)) {
            for (Path file : list.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                for (String line : Files.readAllLines(file)) {
                    if (!line.startsWith("import ")) {
                        continue;
                    }
                    for (String forbidden : FORBIDDEN) {
                        assertFalse(line.contains(forbidden), file.getFileName() + ": " + line);
                    }
                    assertFalse(line.contains("dev.licnn.server.") && !line.contains("dev.licnn.server.web."),
                            file.getFileName() + ": " + line);
                }
            }
        }
        assertTrue(files >= 2, "sources found: " + files);
    }
}
