package dev.licnn.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.server.WorkerSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code bench-service} ({@link ServiceBench}): defaults, each option, and a bad
 * value refused before any work with exit status 2 and a first line that names the option.
 */
class ServiceBenchOptionsTest {

    private static void assertRefused(String[] args, String... parts) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ServiceBench());
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        String text = err.toString();
        String first = text.lines().findFirst().orElse("");
        assertEquals(2, code, text);
        for (String p : parts) {
            assertTrue(first.contains(p), first);
        }
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
    }

    @Test
    void defaults_areTheDocumentedOnes() {
        ServiceBench b = new ServiceBench();
        new CommandLine(b).parseArgs();
        assertEquals("vgg16", b.arch);
        assertEquals(List.of(WorkerSpec.parse("cpu", 0)), b.workerSpecs());
        assertEquals(List.of(1, 2, 4, 8), b.clients);
        assertEquals(30, b.seconds);
        assertEquals(10, b.minMaps);
        assertEquals(5, b.k);
        assertEquals(4, b.maxBatch);
        assertEquals(5, b.delayMs);
        assertEquals(List.of("final", "layers"), b.modes);
    }

    @Test
    void everyOption_isRead() {
        ServiceBench b = new ServiceBench();
        new CommandLine(b)
                .parseArgs(
                        "--arch",
                        "vgg11",
                        "--workers",
                        "cpu@1,cpu@2",
                        "--clients",
                        "1,8,32",
                        "--seconds",
                        "20",
                        "--min-maps",
                        "20",
                        "--k",
                        "3",
                        "--max-batch",
                        "32",
                        "--queue-delay-ms",
                        "7",
                        "--modes",
                        "final");
        assertEquals("vgg11", b.arch);
        assertEquals(
                List.of(WorkerSpec.parse("cpu@1", 0), WorkerSpec.parse("cpu@2", 1)),
                b.workerSpecs());
        assertEquals(List.of(1, 8, 32), b.clients);
        assertEquals(20, b.seconds);
        assertEquals(20, b.minMaps);
        assertEquals(3, b.k);
        assertEquals(32, b.maxBatch);
        assertEquals(7, b.delayMs);
        assertEquals(List.of("final"), b.modes);
    }

    @Test
    void badValues_areRefusedOnOneLineNamingTheOption() {
        assertRefused(new String[] {"--clients", "1,two"}, "--clients", "two");
        assertRefused(new String[] {"--clients", "0"}, "--clients must be at least 1");
        assertRefused(new String[] {"--max-batch", "0"}, "--max-batch must be at least 1");
        assertRefused(new String[] {"--modes", "final,all"}, "--modes", "all");
        assertRefused(new String[] {"--workers", "cpu@x"}, "--workers", "cpu@x");
        assertRefused(new String[] {"--arch", "vgg17"}, "--arch", "vgg17");
        assertRefused(new String[] {"--seconds", "1.5"}, "--seconds", "1.5");
    }
}
