package dev.licnn.cli.experiment;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
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
 * predicted (best first) for the original and for each variant and radius.
 *
 * @param split the split
 * @param file the image, relative to the dataset root
 * @param classId the true class
 * @param objectFraction share of the pixels the saliency map marks as object
 * @param original classes predicted for the original (cropped) image
 * @param variants classes predicted per {@link #variantKey variant key}
 */
public record BlurRecord(String split, String file, int classId, double objectFraction, List<Integer> original,
        Map<String, List<Integer>> variants) {

    private static final Gson GSON = new Gson();

    /** {@code blurred_background@5}: the key of a variant at a radius. */
    public static String variantKey(BlurVariants.Variant v, float radius) {
        return v.key() + "@" + radiusText(radius);
    }

    /** A radius as written in keys and tables: {@code 5}, {@code 2.5}. */
    public static String radiusText(float r) {
        return r == Math.rint(r) ? Integer.toString((int) r) : Float.toString(r);
    }

    /** Whether the record holds both variants at every radius. */
    public boolean covers(List<Float> radii) {
        for (float r : radii) {
            for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                if (!variants.containsKey(variantKey(v, r))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The predicted classes of a variant at a radius, or the original's for radius 0. */
    public List<Integer> predicted(BlurVariants.Variant v, float radius) {
        return radius == 0 ? original : variants.get(variantKey(v, radius));
    }

    /** Reads the records of a results file; a missing file or a torn last line is skipped. */
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
                if (r != null && r.file() != null && r.original() != null && r.variants() != null) {
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
        BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (torn) {
            w.write('\n');
        }
        return w;
    }
}
