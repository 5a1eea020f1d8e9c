package dev.licnn.experiments.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.experiments.ExperimentException;
import dev.licnn.experiments.blur.BlurRecord;
import dev.licnn.experiments.blur.BlurRegion;
import dev.licnn.experiments.blur.BlurVariants;
import dev.licnn.experiments.measure.Localisation;
import dev.licnn.proto.v1.ClassLabel;
import dev.licnn.proto.v1.ModelDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset layout, label mapping and the blur variants' pixel rules. */
class ImageFolderTest {

    @TempDir Path tmp;

    static ModelDescription model() {
        ModelDescription.Builder d = ModelDescription.newBuilder().setName("m").setNumClasses(3);
        d.addLabels(ClassLabel.newBuilder().setClassId(0).setKey("n01").setName("cat"));
        d.addLabels(ClassLabel.newBuilder().setClassId(1).setKey("n02").setName("dog"));
        d.addLabels(ClassLabel.newBuilder().setClassId(2).setKey("").setName("tree frog"));
        return d.build();
    }

    private void touch(String rel) throws Exception {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void classes_mapByIndexKeyOrName() {
        ModelDescription d = model();
        assertEquals(2, ImageFolder.resolve(d, "2"));
        assertEquals(1, ImageFolder.resolve(d, "n02"));
        assertEquals(2, ImageFolder.resolve(d, "tree frog"));
        assertNull(ImageFolder.resolve(d, "3"));
        assertNull(ImageFolder.resolve(d, "zebra"));
    }

    @Test
    void scan_findsSplitsAndClasses_skipsMasks() throws Exception {
        touch("natural/0/a.png");
        touch("natural/n02/b.png");
        touch("natural/masks/a.png");
        touch("adversarial/cat/c.jpg");
        touch("adversarial/cat/notes.txt");
        List<ImageFolder.Item> all = ImageFolder.scan(tmp, List.of(), model());
        assertEquals(
                List.of("adversarial/cat/c.jpg", "natural/0/a.png", "natural/n02/b.png"),
                all.stream().map(ImageFolder.Item::file).toList());
        assertArrayEquals(
                new int[] {0, 0, 1}, all.stream().mapToInt(ImageFolder.Item::classId).toArray());
        List<ImageFolder.Item> nat = ImageFolder.scan(tmp, List.of("natural"), model());
        assertEquals(2, nat.size());
        ExperimentException e =
                assertThrows(
                        ExperimentException.class,
                        () -> ImageFolder.scan(tmp, List.of("val"), model()));
        assertTrue(e.getMessage().contains("split 'val'"), e.getMessage());
    }

    @Test
    void unknownClassFolders_areOneErrorNamingThemAll() throws Exception {
        touch("natural/0/a.png");
        touch("natural/zebra/b.png");
        touch("natural/7/c.png");
        ExperimentException e =
                assertThrows(
                        ExperimentException.class, () -> ImageFolder.scan(tmp, List.of(), model()));
        assertTrue(
                e.getMessage().contains("zebra") && e.getMessage().contains("7"), e.getMessage());
        assertTrue(e.getMessage().contains("0..2"), e.getMessage());
    }

    @Test
    void manifest_namesFilesClassesAndSplits() throws Exception {
        touch("natural/star/x.png");
        touch("natural/masks/x.png");
        touch("adversarial/star/y.png");
        Files.writeString(
                tmp.resolve("manifest.csv"),
                "file,class,class_id,mask,split\n"
                        + "natural/star/x.png,cat,0,natural/masks/x.png,natural\n"
                        + "adversarial/star/y.png,dog,1,adversarial/masks/y.png,adversarial\n");
        List<ImageFolder.Item> items =
                ImageFolder.scan(tmp, List.of("natural", "adversarial"), model());
        assertEquals(2, items.size());
        assertEquals("natural", items.get(0).split());
        assertEquals(0, items.get(0).classId());
        assertEquals(1, items.get(1).classId());
    }

    @Test
    void objectRule_comparesTheMapWithTheFifthOfItsRange() {
        // min -4, max 6: t = 2; min + t would be -2 and would take 0, 1 and 2 as object too.
        float[] map = {-4f, 0f, 1f, 2f, 6f, 2.5f};
        assertArrayEquals(
                new boolean[] {false, false, false, false, true, true},
                Localisation.objectPixels(map));
        float[] flat = {3f, 3f, 3f};
        assertArrayEquals(
                new boolean[] {true, true, true},
                Localisation.objectPixels(flat),
                "t = 0: a constant positive map is all object");
    }

    @Test
    void variants_takeObjectAndBackgroundFromTheRightImage() {
        int[] orig = {1, 2, 3, 4};
        int[] blur = {10, 20, 30, 40};
        boolean[] obj = {true, false, true, false};
        assertArrayEquals(
                new int[] {1, 20, 3, 40},
                BlurVariants.compose(orig, blur, obj, BlurVariants.Variant.BLURRED_BACKGROUND));
        assertArrayEquals(
                new int[] {10, 2, 30, 4},
                BlurVariants.compose(orig, blur, obj, BlurVariants.Variant.BLURRED_OBJECT));
        assertEquals(0.5, BlurVariants.objectFraction(obj), 0);
        assertFalse(BlurRecord.radiusText(2.5f).equals(BlurRecord.radiusText(2f)));
        assertEquals(
                "licnn_top1/blurred_background@5",
                BlurRecord.variantKey(
                        BlurRegion.LICNN_TOP1, BlurVariants.Variant.BLURRED_BACKGROUND, 5f));
    }
}
