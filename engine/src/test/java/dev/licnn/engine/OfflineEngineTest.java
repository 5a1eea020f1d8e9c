package dev.licnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's PyTorch engine starts with no network: a fresh JVM with an empty engine cache, every
 * HTTP(S) proxy pointed at a closed local port and the offline flag set unpacks the natives from
 * the Maven artifacts and computes.
 */
class OfflineEngineTest {

    /** Runs in the child JVM. */
    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            System.out.println(
                    "engine="
                            + Engine.getInstance().getEngineName()
                            + " version="
                            + Engine.getInstance().getVersion()
                            + " sum="
                            + a.sum().getFloat());
        }
    }

    @Test
    void engineLoads_withEmptyCache_andNoNetwork(@TempDir Path cache) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        List.of(
                                java,
                                "-Dai.djl.offline=true",
                                "-Dhttp.proxyHost=127.0.0.1",
                                "-Dhttp.proxyPort=9",
                                "-Dhttps.proxyHost=127.0.0.1",
                                "-Dhttps.proxyPort=9",
                                "-cp",
                                System.getProperty("java.class.path"),
                                OfflineEngineTest.class.getName()));
        pb.environment().put("DJL_CACHE_DIR", cache.resolve("djl").toString());
        pb.environment().put("ENGINE_CACHE_DIR", cache.resolve("engine").toString());
        pb.environment().remove("PYTORCH_VERSION");
        pb.redirectErrorStream(true);
        File log = cache.resolve("out.txt").toFile();
        pb.redirectOutput(log);
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM did not finish");
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("engine=PyTorch version=2.7.1") && out.contains("sum=6.0"), out);
        assertTrue(
                Files.walk(cache.resolve("engine"))
                        .anyMatch(f -> f.getFileName().toString().startsWith("libtorch")),
                "natives were unpacked into the empty cache");
    }
}
