package dev.licnn.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetGeneratorTest {

    @TempDir Path dir;

    private static DatasetConfig small(long seed) {
        return DatasetConfig.builder()
                .optSeed(seed)
                .optImageSize(96)
                .optCount(Split.TRAIN, 12)
                .optCount(Split.NATURAL, 4)
                .optCount(Split.ADVERSARIAL, 4)
                .build();
    }

    @Test
    void sameSeed_writesByteIdenticalFiles_forAnyThreadCount() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        new DatasetGenerator(small(42)).generate(a, 1);
        new DatasetGenerator(small(42)).generate(b, 3);
        List<Path> filesA = files(a);
        List<Path> filesB = files(b);
        assertEquals(
                filesA.stream().map(a::relativize).toList(),
                filesB.stream().map(b::relativize).toList());
        assertEquals(20 * 2 + 2, filesA.size(), "20 images, 20 masks, manifest and config");
        for (Path f : filesA) {
            assertArrayEquals(
                    Files.readAllBytes(f),
                    Files.readAllBytes(b.resolve(a.relativize(f))),
                    f.toString());
        }
    }

    @Test
    void differentSeeds_giveDifferentImages() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<ManifestEntry> rowsA = new DatasetGenerator(small(1)).generate(a, 2);
        new DatasetGenerator(small(2)).generate(b, 2);
        int same = 0;
        for (ManifestEntry row : rowsA) {
            if (java.util.Arrays.equals(
                    Files.readAllBytes(a.resolve(row.file())),
                    Files.readAllBytes(b.resolve(row.file())))) {
                same++;
            }
        }
        assertEquals(0, same, "images shared between seeds 1 and 2");
    }

    @Test
    void writtenFiles_decodeToTheScene() throws Exception {
        DatasetConfig config = small(5);
        List<ManifestEntry> rows = new DatasetGenerator(config).generate(dir, 2);
        SceneRenderer renderer = new SceneRenderer(config);
        for (ManifestEntry row : rows.subList(0, 5)) {
            int index = Integer.parseInt(row.file().replaceAll(".*_(\\d+)\\.png", "$1"));
            Scene scene = renderer.render(row.split(), index);
            BufferedImage image = ImageIO.read(dir.resolve(row.file()).toFile());
            BufferedImage mask = ImageIO.read(dir.resolve(row.mask()).toFile());
            int[] px = scene.pixels();
            for (int y = 0; y < scene.size(); y++) {
                for (int x = 0; x < scene.size(); x++) {
                    assertEquals(px[y * scene.size() + x], image.getRGB(x, y) & 0xFFFFFF);
                    int m = mask.getRaster().getSample(x, y, 0);
                    assertEquals(
                            scene.inMask(x, y) ? 255 : 0, m, row.mask() + " at " + x + "," + y);
                }
            }
            assertEquals(scene.bbox(), row.bbox());
        }
    }

    @Test
    void manifest_listsEveryImageWithItsClassFolder() throws Exception {
        List<ManifestEntry> rows = new DatasetGenerator(small(3)).generate(dir, 2);
        assertEquals(rows, Manifest.read(dir));
        assertEquals(12, Manifest.ofSplit(rows, Split.TRAIN).size());
        for (ManifestEntry row : rows) {
            assertTrue(
                    row.file()
                            .startsWith(row.split().dirName() + "/" + row.shapeClass().key() + "/"),
                    row.file());
            assertTrue(Files.isRegularFile(dir.resolve(row.file())));
            assertTrue(Files.isRegularFile(dir.resolve(row.mask())));
            assertEquals(
                    row.ownBackground(),
                    row.backgroundFamily() == BackgroundFamily.ownedBy(row.shapeClass()));
            assertEquals(row, ManifestEntry.parse(row.toCsv()));
        }
        assertTrue(
                Files.readString(dir.resolve("manifest.csv"))
                        .startsWith(ManifestEntry.HEADER + "\n"));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
