package dev.licnn.experiments.localisation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.experiments.stats.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The localisation summary and the paired differences against LICNN, on scores worked out by hand.
 */
class LocalisationStatsTest {

    @TempDir Path dir;

    private List<LocalisationStats.Row> rows() throws IOException {
        Path csv = dir.resolve("localisation.csv");
        Files.writeString(
                csv,
                String.join(
                        "\n",
                        LocalisationStats.HEADER,
                        "natural,licnn,a.png,0,true,0.5,0.4,0.9",
                        "natural,licnn,b.png,1,true,0.3,0.2,0.8",
                        "natural,licnn,c.png,2,true,0.2,0.1,0.7",
                        "natural,licnn,d.png,3,false,0.1,0.1,NaN",
                        "natural,gradient,a.png,0,false,0.2,0.4,0.6",
                        "natural,gradient,b.png,1,false,0.2,0.1,0.9",
                        "natural,gradient,c.png,2,true,0.1,0.0,0.5",
                        "natural,gradient,d.png,3,false,0.1,0.3,0.5",
                        "adversarial,gradient,e.png,0,true,0.1,0.1,0.5",
                        ""));
        return LocalisationStats.read(csv);
    }

    @Test
    void summary_countsHitsAndAveragesFiniteScores() throws IOException {
        List<LocalisationStats.Summary> s = LocalisationStats.summarise(rows());
        assertEquals(3, s.size());
        LocalisationStats.Summary licnn =
                s.stream()
                        .filter(x -> x.split().equals("natural") && x.method().equals("licnn"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(4, licnn.images());
        assertEquals(0.75, licnn.pointing().estimate(), 1e-12);
        assertEquals(Stats.wilson(3, 4).low(), licnn.pointing().low(), 1e-12);
        assertEquals(0.275, licnn.energy().estimate(), 1e-12);
        assertEquals(
                0.8,
                licnn.auc().estimate(),
                1e-12,
                "the NaN AUC (an image without background) is left out");
        assertTrue(licnn.energy().low() <= 0.275 && 0.275 <= licnn.energy().high());
    }

    @Test
    void differences_arePairedByImageAgainstTheReference() throws IOException {
        List<LocalisationStats.Difference> d = LocalisationStats.against(rows(), "licnn");
        assertEquals(
                4, d.size(), "gradient vs licnn on natural only: adversarial has no licnn rows");
        LocalisationStats.Difference pointing = d.get(0);
        assertEquals("pointing", pointing.measure());
        assertEquals(4, pointing.images());
        assertEquals(-0.5, pointing.difference().estimate(), 1e-12);
        assertEquals(0, pointing.better());
        assertEquals(2, pointing.worse());
        assertEquals(0.5, pointing.p(), 1e-12, "McNemar exact: 2 * (1/2)^2");
        LocalisationStats.Difference energy = d.get(1);
        assertEquals(-0.125, energy.difference().estimate(), 1e-12);
        assertEquals(0, energy.better());
        assertEquals(3, energy.worse(), "d.png ties and is dropped by the sign test");
        assertEquals(0.25, energy.p(), 1e-12);
        LocalisationStats.Difference auc = d.get(3);
        assertEquals(3, auc.images(), "the pair with a NaN is left out");
        assertEquals((0.6 - 0.9 + 0.9 - 0.8 + 0.5 - 0.7) / 3, auc.difference().estimate(), 1e-12);
    }

    @Test
    void read_rejectsAnotherFile() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "file,true_class\nx,1\n");
        assertThrows(IOException.class, () -> LocalisationStats.read(bad));
    }
}
