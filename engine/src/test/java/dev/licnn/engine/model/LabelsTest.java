package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {

    @TempDir Path dir;

    @Test
    void imagenet() {
        Labels l = Labels.imagenet();
        assertEquals(1000, l.size());
        assertEquals(new Labels.Label(0, "n01440764", "tench"), l.byId(0));
        assertEquals(1, l.byKey("n01443537").id());
        assertEquals("goldfish", l.byName("goldfish").name());
        assertEquals(999, l.asList().get(999).id());
        IllegalArgumentException ambiguous =
                assertThrows(IllegalArgumentException.class, () -> l.byName("crane"));
        assertTrue(ambiguous.getMessage().contains("ambiguous"), ambiguous.getMessage());
    }

    @Test
    void unknownClassesGiveClearErrors() {
        Labels l = Labels.indexed(3);
        assertEquals("class_2", l.byId(2).key());
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> l.byId(3))
                        .getMessage()
                        .contains("unknown class id 3"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> l.byId(-1))
                        .getMessage()
                        .contains("0..2"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> l.byKey("n0"))
                        .getMessage()
                        .contains("'n0'"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> l.byName("dog"))
                        .getMessage()
                        .contains("'dog'"));
    }

    @Test
    void jsonRoundTrip() throws IOException {
        Labels l =
                Labels.of(
                        List.of(
                                new Labels.Label(0, "n01440764", "tench"),
                                new Labels.Label(1, "k\"1", "naïve name")));
        Path file = dir.resolve("labels.json");
        l.toJson(file);
        assertTrue(
                Files.readString(file)
                        .contains("{\"id\":0,\"key\":\"n01440764\",\"name\":\"tench\"}"),
                Files.readString(file));
        assertEquals(l.asList(), Labels.fromJson(file).asList());
    }

    @Test
    void invalidTablesAreRejected() throws IOException {
        assertThrows(
                IllegalArgumentException.class,
                () -> Labels.of(List.of(new Labels.Label(1, "a", "a"))));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Labels.of(
                                List.of(
                                        new Labels.Label(0, "a", "x"),
                                        new Labels.Label(1, "a", "y"))));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"id\":0,\"name\":\"x\"}]");
        IOException ex = assertThrows(IOException.class, () -> Labels.fromJson(bad));
        assertTrue(ex.getMessage().contains("bad.json"), ex.getMessage());
    }
}
