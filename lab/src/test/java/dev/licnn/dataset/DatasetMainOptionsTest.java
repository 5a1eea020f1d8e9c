package dev.licnn.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code dataset} ({@link DatasetMain}): defaults, each option (also in the {@code
 * --name=value} form), and a bad value refused before any image is written, with exit status 2 and
 * a first line that names the problem.
 */
class DatasetMainOptionsTest {

    private static void assertRefused(String[] args, String... parts) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DatasetMain());
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
        DatasetMain d = new DatasetMain();
        new CommandLine(d).parseArgs("--out", "data");
        DatasetConfig c = d.config();
        assertEquals(Path.of("data"), d.out);
        assertEquals(0L, c.seed());
        assertEquals(224, c.imageSize());
        assertEquals(0, c.count(Split.TRAIN));
        assertEquals(0, c.count(Split.NATURAL));
        assertEquals(0, c.count(Split.ADVERSARIAL));
        assertEquals(0.8, c.ownBackgroundRate());
        assertNull(d.threads);
    }

    @Test
    void everyOption_isRead() {
        DatasetMain d = new DatasetMain();
        new CommandLine(d)
                .parseArgs(
                        "--out=data",
                        "--seed",
                        "7",
                        "--train",
                        "16",
                        "--natural",
                        "10",
                        "--adversarial",
                        "12",
                        "--size",
                        "64",
                        "--own-rate",
                        "0.5",
                        "--threads",
                        "3");
        DatasetConfig c = d.config();
        assertEquals(7L, c.seed());
        assertEquals(64, c.imageSize());
        assertEquals(16, c.count(Split.TRAIN));
        assertEquals(10, c.count(Split.NATURAL));
        assertEquals(12, c.count(Split.ADVERSARIAL));
        assertEquals(0.5, c.ownBackgroundRate());
        assertEquals(3, d.threads);
    }

    @Test
    void badValues_areRefusedOnOneLine(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path out = dir.resolve("never");
        assertRefused(new String[] {"--seed", "7"}, "--out");
        assertRefused(new String[] {"--out", out.toString(), "--size", "big"}, "--size", "big");
        assertRefused(new String[] {"--out", out.toString(), "--size", "16"}, "16");
        assertRefused(new String[] {"--out", out.toString(), "--own-rate", "2"}, "2");
        assertRefused(
                new String[] {"--out", out.toString(), "--threads", "0"},
                "--threads must be at least 1");
        assertRefused(new String[] {"--out", out.toString(), "--colour", "red"}, "--colour");
        assertFalse(java.nio.file.Files.exists(out), "nothing written for refused options");
    }
}
