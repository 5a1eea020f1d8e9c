package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak against a child server: every kind of traffic answered, nothing lost, a clean exit.
 */
class SoakCommandTest {

    @TempDir Path tmp;

    @Test
    void shortSoak_losesNothing_andTheServerExitsZero() throws Exception {
        Path report = tmp.resolve("soak.md");
        LicnnCliTest.Run r =
                LicnnCliTest.run(
                        "soak",
                        "--minutes",
                        "0.3",
                        "--report-seconds",
                        "6",
                        "--clients",
                        "3",
                        "--server-heap",
                        "512m",
                        "--out",
                        report.toString());
        String text = Files.readString(report);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(
                text.contains(
                        " 0 lost (0 without an answer at the end), 0 answered outside the contract."),
                text);
        assertTrue(text.contains("Server stopped by SIGTERM: exit status 0"), text);
        assertTrue(text.matches("(?s).*\\| end \\| [1-9][0-9]* \\|.*"), text);
        assertTrue(text.contains("RSS after warm-up"), text);
    }
}
