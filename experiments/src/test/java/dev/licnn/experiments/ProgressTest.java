package dev.licnn.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void offATerminal_printsAPlainLineEveryTenth_notAFramePerStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (Progress p =
                new Progress(
                        new PrintStream(bytes, true, StandardCharsets.UTF_8),
                        "blur",
                        600,
                        false,
                        now::get)) {
            for (int i = 0; i < 600; i++) {
                now.addAndGet(10_000_000L); // 10 ms a step: 6 s in all, never 30 s between lines
                p.step();
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        assertEquals(10, out.lines().count(), out);
        assertTrue(out.lines().toList().get(9).startsWith("blur: 600/600"), out);
    }

    @Test
    void offATerminal_slowWork_printsEvery30Seconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (Progress p =
                new Progress(
                        new PrintStream(bytes, true, StandardCharsets.UTF_8),
                        "sanity",
                        1000,
                        false,
                        now::get)) {
            for (int i = 0; i < 50; i++) {
                now.addAndGet(15_000_000_000L); // 15 s a step, 50 steps: still in the first tenth
                p.step();
            }
        }
        long lines = bytes.toString(StandardCharsets.UTF_8).lines().count();
        assertEquals(25, lines, "one line per 30 s");
    }

    @Test
    void onATerminal_redrawsInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (Progress p =
                new Progress(
                        new PrintStream(bytes, true, StandardCharsets.UTF_8),
                        "x",
                        3,
                        true,
                        now::get)) {
            for (int i = 0; i < 3; i++) {
                now.addAndGet(3_000_000_000L);
                p.step();
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, out.chars().filter(ch -> ch == '\r').count());
        assertTrue(out.endsWith(System.lineSeparator()));
    }
}
