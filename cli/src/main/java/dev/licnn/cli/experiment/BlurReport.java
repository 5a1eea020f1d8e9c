package dev.licnn.cli.experiment;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy tables, flip lists and charts of the blur experiment, from its per-image records.
 */
public final class BlurReport {

    /** Accuracy of one variant at one radius on one split ({@code original} has radius 0). */
    public record Row(String split, String variant, String radius, int images, double top1, double top5) {}

    /**
     * An image whose top-1 correctness changes when the background is blurred.
     *
     * @param wrongToRight true when the original was wrong and the blurred-background variant right
     */
    public record Flip(BlurRecord record, float radius, boolean wrongToRight) {}

    private BlurReport() {}

    /** Top-1 and top-5 accuracy per split, variant and radius, splits in the order given. */
    public static List<Row> accuracy(List<BlurRecord> records, List<String> splits, List<Float> radii) {
        List<Row> rows = new ArrayList<>();
        for (String s : splits) {
            List<BlurRecord> rs = records.stream().filter(r -> r.split().equals(s)).toList();
            rows.add(row(s, "original", 0f, rs, null));
            for (float r : radii) {
                for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                    rows.add(row(s, v.key(), r, rs, v));
                }
            }
        }
        return rows;
    }

    private static Row row(String split, String variant, float radius, List<BlurRecord> rs, BlurVariants.Variant v) {
        int top1 = 0;
        int top5 = 0;
        for (BlurRecord r : rs) {
            List<Integer> p = v == null ? r.original() : r.predicted(v, radius);
            if (!p.isEmpty() && p.get(0) == r.classId()) {
                top1++;
            }
            if (p.subList(0, Math.min(5, p.size())).contains(r.classId())) {
                top5++;
            }
        }
        int n = rs.size();
        return new Row(split, variant, BlurRecord.radiusText(radius), n, n == 0 ? Double.NaN : (double) top1 / n,
                n == 0 ? Double.NaN : (double) top5 / n);
    }

    /** Images whose top-1 turns right (then those that turn wrong) when the background is blurred, per radius. */
    public static List<Flip> flips(List<BlurRecord> records, List<Float> radii) {
        List<Flip> up = new ArrayList<>();
        List<Flip> down = new ArrayList<>();
        for (float r : radii) {
            for (BlurRecord rec : records) {
                boolean before = !rec.original().isEmpty() && rec.original().get(0) == rec.classId();
                List<Integer> p = rec.predicted(BlurVariants.Variant.BLURRED_BACKGROUND, r);
                boolean after = p != null && !p.isEmpty() && p.get(0) == rec.classId();
                if (!before && after) {
                    up.add(new Flip(rec, r, true));
                } else if (before && !after) {
                    down.add(new Flip(rec, r, false));
                }
            }
        }
        up.addAll(down);
        return up;
    }

    /** Prints the accuracy table. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder(String.format("%-14s %-20s %6s %7s %7s %7s%n", "split", "variant", "radius", "images",
                "top-1", "top-5"));
        for (Row r : rows) {
            b.append(String.format("%-14s %-20s %6s %7d %6.1f%% %6.1f%%%n", r.split(), r.variant(), r.radius(), r.images(),
                    100 * r.top1(), 100 * r.top5()));
        }
        return b.toString();
    }

    /** Writes {@code accuracy.csv}, {@code accuracy.json} and {@code flips.csv}. */
    public static void write(Path out, List<Row> rows, List<Flip> flips, Map<String, Object> settings) throws IOException {
        StringBuilder csv = new StringBuilder("split,variant,radius,images,top1,top5\n");
        for (Row r : rows) {
            csv.append(String.join(",", r.split(), r.variant(), r.radius(), Integer.toString(r.images()),
                    Double.toString(r.top1()), Double.toString(r.top5()))).append('\n');
        }
        Files.writeString(out.resolve("accuracy.csv"), csv, StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>(settings);
        json.put("accuracy", rows);
        json.put("flips_wrong_to_right", flips.stream().filter(Flip::wrongToRight).count());
        json.put("flips_right_to_wrong", flips.stream().filter(f -> !f.wrongToRight()).count());
        Files.writeString(out.resolve("accuracy.json"), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(json), StandardCharsets.UTF_8);
        StringBuilder f = new StringBuilder("split,file,class_id,radius,direction,top1_original,top1_blurred_background\n");
        for (Flip fl : flips) {
            BlurRecord r = fl.record();
            f.append(String.join(",", r.split(), r.file(), Integer.toString(r.classId()), BlurRecord.radiusText(fl.radius()),
                    fl.wrongToRight() ? "wrong_to_right" : "right_to_wrong", Integer.toString(r.original().get(0)),
                    Integer.toString(r.predicted(BlurVariants.Variant.BLURRED_BACKGROUND, fl.radius()).get(0)))).append('\n');
        }
        Files.writeString(out.resolve("flips.csv"), f, StandardCharsets.UTF_8);
    }

    /** One chart per split like the paper's figures 15 and 16: accuracy against radius, one line per variant. */
    public static List<Path> charts(Path out, List<Row> rows, List<String> splits, List<Float> radii) throws IOException {
        double[] x = new double[radii.size() + 1];
        for (int i = 0; i < radii.size(); i++) {
            x[i + 1] = radii.get(i);
        }
        List<Path> files = new ArrayList<>();
        for (String s : splits) {
            LineChart c = new LineChart("Blur experiment: " + s + " (radius 0 = original)", "Gaussian blur radius (sigma, px)",
                    "accuracy").numericX(x).yRange(0, 1);
            Row orig = rows.stream().filter(r -> r.split().equals(s) && r.variant().equals("original")).findFirst().orElseThrow();
            int colour = 0;
            for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                double[] t1 = new double[x.length];
                double[] t5 = new double[x.length];
                t1[0] = orig.top1();
                t5[0] = orig.top5();
                for (int i = 0; i < radii.size(); i++) {
                    String rt = BlurRecord.radiusText(radii.get(i));
                    Row r = rows.stream().filter(q -> q.split().equals(s) && q.variant().equals(v.key()) && q.radius().equals(rt))
                            .findFirst().orElseThrow();
                    t1[i + 1] = r.top1();
                    t5[i + 1] = r.top5();
                }
                c.series(v.key().replace('_', ' ') + " top-1", t1, false, colour);
                c.series(v.key().replace('_', ' ') + " top-5", t5, true, colour);
                colour++;
            }
            Path p = out.resolve("accuracy-" + s.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            c.write(p);
            files.add(p);
        }
        return files;
    }
}
