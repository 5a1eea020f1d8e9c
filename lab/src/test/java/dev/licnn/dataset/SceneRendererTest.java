package dev.licnn.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    private static final DatasetConfig ALL_FILLS = DatasetConfig.builder().optSeed(11).build();
    private static final DatasetConfig SOLID =
            DatasetConfig.builder().optSeed(11).optFillStyles(EnumSet.of(FillStyle.SOLID)).build();

    @Test
    void render_isAFunctionOfSeedSplitAndIndex() {
        SceneRenderer a = new SceneRenderer(ALL_FILLS);
        SceneRenderer b = new SceneRenderer(DatasetConfig.builder().optSeed(11).build());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.render(Split.TRAIN, i).pixels(), b.render(Split.TRAIN, i).pixels());
        }
        assertNotEquals(
                java.util.Arrays.hashCode(a.render(Split.TRAIN, 3).pixels()),
                java.util.Arrays.hashCode(a.render(Split.NATURAL, 3).pixels()));
    }

    @Test
    void solidFill_maskPixelsHaveTheFillColour_andEveryOtherPixelIsUntouched() {
        SceneRenderer r = new SceneRenderer(SOLID);
        for (int i = 0; i < 40; i++) {
            Scene s = r.render(Split.values()[i % 3], i);
            int[] px = s.pixels();
            int[] backdrop = s.backdrop();
            int inside = 0;
            for (int p = 0; p < px.length; p++) {
                if (s.inMask(p % s.size(), p / s.size())) {
                    assertEquals(s.fillPrimary(), px[p], s.id() + " object pixel " + p);
                    inside++;
                } else {
                    assertEquals(
                            backdrop[p], px[p], s.id() + " pixel outside the mask changed: " + p);
                }
            }
            assertEquals(s.maskArea(), inside);
        }
    }

    @Test
    void anyFill_changesOnlyMaskPixels_andStandsOutFromTheBackground() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        EnumMap<FillStyle, Integer> seen = new EnumMap<>(FillStyle.class);
        for (int i = 0; i < 40; i++) {
            Scene s = r.render(Split.TRAIN, i);
            seen.merge(s.fillStyle(), 1, Integer::sum);
            int[] px = s.pixels();
            int[] backdrop = s.backdrop();
            double objectLuma = 0;
            for (int p = 0; p < px.length; p++) {
                boolean in = s.inMask(p % s.size(), p / s.size());
                if (!in) {
                    assertEquals(
                            backdrop[p], px[p], s.id() + " pixel outside the mask changed: " + p);
                } else {
                    objectLuma += Colours.luma(px[p]);
                }
            }
            objectLuma /= s.maskArea();
            // Object colours come from the luma band opposite to the background's.
            boolean darkObject = objectLuma < 128;
            assertTrue(
                    objectLuma <= Colours.Band.DARK.maxLuma + 1
                            || objectLuma >= Colours.Band.LIGHT.minLuma - 1,
                    s.id() + " object luma " + objectLuma);
            assertTrue(
                    darkObject
                            ? Colours.luma(s.fillPrimary()) < 128
                            : Colours.luma(s.fillPrimary()) > 128);
        }
        assertEquals(
                EnumSet.allOf(FillStyle.class), seen.keySet(), "all fill styles drawn: " + seen);
    }

    @Test
    void mask_isTheShapeRasterisedAtPixelCentres() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        for (int i = 0; i < 30; i++) {
            Scene s = r.render(Split.NATURAL, i);
            int mismatches = 0;
            for (int y = 0; y < s.size(); y++) {
                for (int x = 0; x < s.size(); x++) {
                    double cx = x + 0.5;
                    double cy = y + 0.5;
                    boolean inside = s.outline().contains(cx, cy);
                    if (s.inMask(x, y) != inside) {
                        mismatches++;
                        // Java2D flattens curves before filling: disagreements sit on the outline.
                        boolean nearEdge =
                                s.outline().contains(cx + 1, cy) != inside
                                        || s.outline().contains(cx - 1, cy) != inside
                                        || s.outline().contains(cx, cy + 1) != inside
                                        || s.outline().contains(cx, cy - 1) != inside;
                        assertTrue(
                                nearEdge,
                                s.id()
                                        + " mask disagrees with the shape away from its edge at "
                                        + x
                                        + ","
                                        + y);
                    }
                }
            }
            assertTrue(
                    mismatches <= Math.max(3, s.maskArea() / 50),
                    s.id() + " (" + s.shapeClass() + "): " + mismatches + " of " + s.maskArea());
        }
    }

    @Test
    void object_isInsideTheImage_atTheConfiguredSize() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        int size = ALL_FILLS.imageSize();
        for (int i = 0; i < 50; i++) {
            Scene s = r.render(Split.TRAIN, i);
            Rectangle b = s.bbox();
            assertTrue(
                    b.x >= 1 && b.y >= 1 && b.x + b.width <= size - 1 && b.y + b.height <= size - 1,
                    s.id() + " " + b);
            // The unrotated extent is 25..55% of the side; a rotated shape's box is at least 0.7 of
            // that
            // for the thinnest classes.
            int extent = Math.max(b.width, b.height);
            assertTrue(
                    extent >= 0.25 * size * 0.7 && extent <= 0.55 * size * 1.45,
                    s.id() + " extent " + extent);
        }
    }

    @Test
    void classes_takeTurns_soEverySplitIsBalanced() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        int n = ShapeClass.values().length;
        for (int i = 0; i < 3 * n; i++) {
            assertEquals(ShapeClass.values()[i % n], r.render(Split.ADVERSARIAL, i).shapeClass());
        }
    }

    @Test
    void adversarialBackground_isAlwaysAnotherClasssFamily() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        Map<BackgroundFamily, Integer> used = new EnumMap<>(BackgroundFamily.class);
        for (int i = 0; i < 300; i++) {
            Scene s = r.render(Split.ADVERSARIAL, i);
            assertNotEquals(BackgroundFamily.ownedBy(s.shapeClass()), s.backgroundFamily(), s.id());
            used.merge(s.backgroundFamily(), 1, Integer::sum);
        }
        assertEquals(
                BackgroundFamily.values().length, used.size(), "every family appears: " + used);
    }

    @Test
    void biasedSplits_useTheOwnFamilyAtTheConfiguredRate() {
        SceneRenderer r = new SceneRenderer(ALL_FILLS);
        for (Split split : new Split[] {Split.TRAIN, Split.NATURAL}) {
            int own = 0;
            int n = 400;
            for (int i = 0; i < n; i++) {
                if (r.render(split, i).ownBackground()) {
                    own++;
                }
            }
            double rate = (double) own / n;
            assertTrue(rate > 0.72 && rate < 0.88, split + " own-background rate " + rate);
        }
    }

    @Test
    void everyClassOwnsADistinctFamily() {
        EnumSet<BackgroundFamily> owned = EnumSet.noneOf(BackgroundFamily.class);
        for (ShapeClass c : ShapeClass.values()) {
            owned.add(BackgroundFamily.ownedBy(c));
        }
        assertEquals(ShapeClass.values().length, owned.size());
        assertTrue(BackgroundFamily.values().length >= ShapeClass.values().length);
    }

    @Test
    void config_rejectsNonsense() {
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetConfig.builder().optImageSize(16).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetConfig.builder().optOwnBackgroundRate(1.5).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetConfig.builder().optObjectFraction(0.5, 0.3).build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        DatasetConfig.builder()
                                .optFillStyles(EnumSet.noneOf(FillStyle.class))
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetConfig.builder().optCount(Split.TRAIN, -1).build());
    }
}
