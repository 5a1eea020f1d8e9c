package dev.licnn.experiments.blur;

import dev.licnn.engine.image.PreparedImage;
import dev.licnn.experiments.data.ModelInput;
import dev.licnn.experiments.imaging.Montage;
import dev.licnn.experiments.imaging.Npy;
import dev.licnn.experiments.imaging.Pictures;
import dev.licnn.experiments.imaging.PillowBlur;
import dev.licnn.experiments.measure.Localisation;
import dev.licnn.proto.v1.ModelDescription;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The montage of images whose prediction flips when the background is blurred: per row the original
 * crop, its saliency heatmap and the blurred-background variant, with the top classes before and
 * after.
 */
public final class BlurMontage {

    private BlurMontage() {}

    /** The file name under which a flipped image's saliency map is kept. */
    public static String mapName(String file) {
        return file.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
    }

    /**
     * Draws up to {@code max} flips (wrong-to-right first); returns false if there was none to
     * draw.
     */
    public static boolean write(
            Path png,
            List<BlurReport.Flip> flips,
            int max,
            Path data,
            Path maps,
            ModelInput input,
            ModelDescription d)
            throws IOException {
        Montage m = new Montage(160, List.of("original", "LICNN top-1 map", "blurred background"));
        for (BlurReport.Flip f : flips) {
            if (m.rows() >= max) {
                break;
            }
            BlurRecord r = f.record();
            Path mapFile = maps.resolve(mapName(r.file()));
            if (!Files.isRegularFile(mapFile) || !Files.isRegularFile(data.resolve(r.file()))) {
                continue;
            }
            PreparedImage img = input.prepare(data.resolve(r.file()));
            int h = img.height();
            int w = img.width();
            float[] map = Npy.read(mapFile).values();
            int[] rgb = img.rgb();
            boolean[] region = Localisation.objectPixels(map);
            int[] blurred =
                    BlurVariants.compose(
                            rgb,
                            PillowBlur.blur(rgb, w, h, f.radius()),
                            region,
                            BlurVariants.Variant.BLURRED_BACKGROUND);
            BufferedImage after = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            after.setRGB(0, 0, w, h, blurred, 0, w);
            List<String> before =
                    new ArrayList<>(List.of("true: " + label(d, r.classId()), "before:"));
            before.addAll(top(d, r.original()));
            List<String> afterLines =
                    new ArrayList<>(
                            List.of("radius " + BlurRecord.radiusText(f.radius()), "after:"));
            afterLines.addAll(
                    top(
                            d,
                            r.predicted(
                                    f.region(),
                                    BlurVariants.Variant.BLURRED_BACKGROUND,
                                    f.radius())));
            String title = (f.wrongToRight() ? "wrong->right " : "right->wrong ") + r.file();
            m.row(
                    title,
                    List.of(
                            new Montage.Cell(img.toBufferedImage(), before),
                            new Montage.Cell(
                                    Pictures.heatmap(map, h, w),
                                    List.of(
                                            String.format(
                                                    "region %.0f%%",
                                                    100 * BlurVariants.objectFraction(region)))),
                            new Montage.Cell(after, afterLines)));
        }
        if (m.isEmpty()) {
            return false;
        }
        m.write(png);
        return true;
    }

    private static List<String> top(ModelDescription d, List<Integer> ids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add((i + 1) + ". " + label(d, ids.get(i)));
        }
        return out;
    }

    private static String label(ModelDescription d, int id) {
        return id < d.getLabelsCount() ? d.getLabels(id).getName() : Integer.toString(id);
    }
}
