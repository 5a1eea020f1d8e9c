package dev.licnn.experiments.blur;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.licnn.experiments.measure.Localisation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blur experiment's result for one image, one line of {@code results.jsonl}: the classes
 * predicted (best first) for the original and for each region, direction and radius, the share of
 * the image each region covers, and the localisation scores of the maps the regions come from.
 *
 * @param split the split
 * @param file the image, relative to the dataset root
 * @param classId the true class
 * @param original classes predicted for the original (cropped) image
 * @param coverage share of the pixels in each region, by {@link BlurRegion#key}
 * @param variants classes predicted per {@link #variantKey variant key}
 * @param localisation scores of each map against the object mask ({@code licnn_top1}, {@code
 *     licnn_top5}, {@code no_inhibition_top1}, {@code centre}); empty without a mask
 */
public record BlurRecord(
        String split,
        String file,
        int classId,
        List<Integer> original,
        Map<String, Double> coverage,
        Map<String, List<Integer>> variants,
        Map<String, Localisation.Scores> localisation) {

    private static final Gson GSON = new Gson();

    /** The key of the whole image blurred at a radius. */
    public static final String WHOLE = "whole_image";

    /** {@code licnn_top1/blurred_background@5}: the key of a region's variant at a radius. */
    public static String variantKey(BlurRegion region, BlurVariants.Variant v, float radius) {
        return region.key() + "/" + v.key() + "@" + radiusText(radius);
    }

    /** {@code whole_image@5}: the key of the whole image blurred at a radius. */
    public static String wholeKey(float radius) {
        return WHOLE + "@" + radiusText(radius);
    }

    /** A radius as written in keys and tables: {@code 5}, {@code 2.5}. */
    public static String radiusText(float r) {
        return r == Math.rint(r) ? Integer.toString((int) r) : Float.toString(r);
    }

    /**
     * Whether the record holds every variant of {@code regions} and the whole image at every
     * radius.
     */
    public boolean covers(List<Float> radii, List<BlurRegion> regions) {
        if (variants == null || coverage == null) {
            return false;
        }
        for (float r : radii) {
            if (!variants.containsKey(wholeKey(r))) {
                return false;
            }
            for (BlurRegion g : regions) {
                for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                    if (!variants.containsKey(variantKey(g, v, r))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The predicted classes of a region's variant at a radius, or the original's for radius 0. */
    public List<Integer> predicted(BlurRegion region, BlurVariants.Variant v, float radius) {
        return radius == 0 ? original : variants.get(variantKey(region, v, radius));
    }

    /** Whether {@code predicted} has the true class among its first {@code k}. */
    public boolean correct(List<Integer> predicted, int k) {
        return predicted != null
                && predicted.subList(0, Math.min(k, predicted.size())).contains(classId);
    }

    /**
     * Reads the records of a results file; a missing file, a torn last line or an older format is
     * skipped.
     */
    public static Map<String, BlurRecord> load(Path jsonl) throws IOException {
        Map<String, BlurRecord> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(jsonl)) {
            return out;
        }
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                BlurRecord r = GSON.fromJson(line, BlurRecord.class);
                if (r != null
                        && r.file() != null
                        && r.original() != null
                        && r.variants() != null
                        && r.coverage() != null) {
                    out.put(r.file(), r);
                }
            } catch (JsonParseException e) {
                // an interrupted run may leave half a line; that image is simply done again
            }
        }
        return out;
    }

    /** Appends this record as one line and flushes it, so that an interrupted run keeps it. */
    public void append(BufferedWriter w) throws IOException {
        w.write(GSON.toJson(this));
        w.write('\n');
        w.flush();
    }

    /** Opens a results file for appending, ending a torn last line first. */
    public static BufferedWriter appender(Path jsonl) throws IOException {
        boolean torn = false;
        if (Files.isRegularFile(jsonl) && Files.size(jsonl) > 0) {
            byte[] b = Files.readAllBytes(jsonl);
            torn = b[b.length - 1] != '\n';
        }
        BufferedWriter w =
                Files.newBufferedWriter(
                        jsonl,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
        if (torn) {
            w.write('\n');
        }
        return w;
    }
}
