package dev.licnn.experiments.blur;

import com.google.gson.GsonBuilder;
import dev.licnn.experiments.blur.BlurReport.Comparison;
import dev.licnn.experiments.blur.BlurReport.Flip;
import dev.licnn.experiments.blur.BlurReport.LocalisationRow;
import dev.licnn.experiments.blur.BlurReport.MapComparison;
import dev.licnn.experiments.blur.BlurReport.Row;
import dev.licnn.experiments.imaging.LineChart;
import dev.licnn.experiments.stats.Formats;
import dev.licnn.experiments.stats.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The blur experiment's report as files and text: the accuracy table as printed, the CSV and JSON
 * tables, and the charts, all formatted from what {@link BlurReport} computed.
 */
public final class BlurReportFiles {

    private final BlurReport report;

    public BlurReportFiles(BlurReport report) {
        this.report = report;
    }

    /** The accuracy table as printed. */
    public String table() {
        StringBuilder b =
                new StringBuilder(
                        String.format(
                                "%-12s %-19s %-18s %6s %6s %-24s %-24s %-24s %6s %9s %9s%n",
                                "split",
                                "region",
                                "variant",
                                "radius",
                                "images",
                                "top-1 [95% CI]",
                                "top-2",
                                "top-5",
                                "cover",
                                "b / c",
                                "McNemar p"));
        for (Row r : report.accuracy()) {
            b.append(
                    String.format(
                            "%-12s %-19s %-18s %6s %6d %-24s %-24s %-24s %6s %9s %9s%n",
                            r.split(),
                            r.region(),
                            r.variant(),
                            r.radius(),
                            r.images(),
                            Formats.percent(r.top1Interval()),
                            Formats.percent(r.top2Interval()),
                            Formats.percent(r.top5Interval()),
                            Double.isNaN(r.coverage())
                                    ? "-"
                                    : String.format(Locale.ROOT, "%.1f%%", 100 * r.coverage()),
                            r.vsOriginal().onlyFirst() + " / " + r.vsOriginal().onlySecond(),
                            Formats.p(r.vsOriginal().exactP())));
        }
        return b.toString();
    }

    /**
     * Writes {@code accuracy.csv}, {@code comparisons.csv}, {@code localisation.csv}, {@code
     * map-comparisons.csv}, {@code accuracy.json} and {@code flips.csv}.
     */
    public void write(Path out, Map<String, Object> settings) throws IOException {
        List<Row> rows = report.accuracy();
        StringBuilder csv =
                new StringBuilder(
                        "split,region,variant,radius,images,top1,top1_low,top1_high,top2,top2_low,top2_high,"
                                + "top5,top5_low,top5_high,coverage,right_original_only,right_variant_only,mcnemar_exact_p,mcnemar_chi2_cc,"
                                + "mcnemar_chi2_p\n");
        for (Row r : rows) {
            csv.append(
                            String.join(
                                    ",",
                                    r.split(),
                                    r.region(),
                                    r.variant(),
                                    r.radius(),
                                    Integer.toString(r.images()),
                                    interval(r.top1Interval()),
                                    interval(r.top2Interval()),
                                    interval(r.top5Interval()),
                                    Double.toString(r.coverage()),
                                    Integer.toString(r.vsOriginal().onlyFirst()),
                                    Integer.toString(r.vsOriginal().onlySecond()),
                                    Double.toString(r.vsOriginal().exactP()),
                                    Double.toString(r.vsOriginal().chiSquare()),
                                    Double.toString(r.vsOriginal().chiSquareP())))
                    .append('\n');
        }
        Files.writeString(out.resolve("accuracy.csv"), csv, StandardCharsets.UTF_8);
        StringBuilder cmp =
                new StringBuilder(
                        "split,first,second,variant,radius,images,right_first_only,right_second_only,"
                                + "mcnemar_exact_p,mcnemar_chi2_cc,mcnemar_chi2_p\n");
        for (Comparison c : report.comparisons()) {
            cmp.append(
                            String.join(
                                    ",",
                                    c.split(),
                                    c.first(),
                                    c.second(),
                                    c.variant(),
                                    c.radius(),
                                    Integer.toString(c.test().n()),
                                    Integer.toString(c.test().onlyFirst()),
                                    Integer.toString(c.test().onlySecond()),
                                    Double.toString(c.test().exactP()),
                                    Double.toString(c.test().chiSquare()),
                                    Double.toString(c.test().chiSquareP())))
                    .append('\n');
        }
        Files.writeString(out.resolve("comparisons.csv"), cmp, StandardCharsets.UTF_8);
        StringBuilder loc =
                new StringBuilder(
                        "split,map,measure,images,value,low,high,minus_centre,minus_centre_low,minus_centre_high\n");
        for (LocalisationRow l : report.localisation()) {
            loc.append(
                            String.join(
                                    ",",
                                    l.split(),
                                    l.map(),
                                    l.measure(),
                                    Integer.toString(l.images()),
                                    interval(l.value()),
                                    interval(l.minusCentre())))
                    .append('\n');
        }
        Files.writeString(out.resolve("localisation.csv"), loc, StandardCharsets.UTF_8);
        StringBuilder mc =
                new StringBuilder(
                        "split,first,second,measure,images,difference,low,high,first_better,second_better,p\n");
        for (MapComparison m : report.mapComparisons()) {
            mc.append(
                            String.join(
                                    ",",
                                    m.split(),
                                    m.first(),
                                    m.second(),
                                    m.measure(),
                                    Integer.toString(m.images()),
                                    interval(m.difference()),
                                    Integer.toString(m.test().onlyFirst()),
                                    Integer.toString(m.test().onlySecond()),
                                    Double.toString(m.test().exactP())))
                    .append('\n');
        }
        Files.writeString(out.resolve("map-comparisons.csv"), mc, StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>(settings);
        json.put("accuracy", rows);
        json.put("comparisons", report.comparisons());
        Files.writeString(
                out.resolve("accuracy.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(json),
                StandardCharsets.UTF_8);
        StringBuilder f =
                new StringBuilder(
                        "split,file,class_id,region,radius,direction,top1_original,top1_blurred_background\n");
        for (Flip fl : report.flips(BlurReport.HEADLINE)) {
            BlurRecord r = fl.record();
            f.append(
                            String.join(
                                    ",",
                                    r.split(),
                                    r.file(),
                                    Integer.toString(r.classId()),
                                    fl.region().key(),
                                    BlurRecord.radiusText(fl.radius()),
                                    fl.wrongToRight() ? "wrong_to_right" : "right_to_wrong",
                                    Integer.toString(r.original().get(0)),
                                    Integer.toString(
                                            r.predicted(
                                                            fl.region(),
                                                            BlurVariants.Variant.BLURRED_BACKGROUND,
                                                            fl.radius())
                                                    .get(0))))
                    .append('\n');
        }
        Files.writeString(out.resolve("flips.csv"), f, StandardCharsets.UTF_8);
    }

    private static String interval(Stats.Interval i) {
        return i.estimate() + "," + i.low() + "," + i.high();
    }

    /**
     * Per split and direction, top-1 accuracy against radius with Wilson 95% error bars: one line
     * per region and one for the whole image blurred (radius 0 = the original).
     */
    public List<Path> charts(Path out) throws IOException {
        double[] x = new double[report.radii().size() + 1];
        for (int i = 0; i < report.radii().size(); i++) {
            x[i + 1] = report.radii().get(i);
        }
        List<Row> rows = report.accuracy();
        List<Path> files = new ArrayList<>();
        for (String s : report.splits()) {
            Row orig = BlurReport.find(rows, s, "original", "-", "0");
            for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                LineChart c =
                        new LineChart(
                                        "Blur, "
                                                + s
                                                + ": "
                                                + v.key().replace('_', ' ')
                                                + " (top-1, 95% Wilson)",
                                        "Gaussian blur radius (sigma, px; 0 = original)",
                                        "top-1 accuracy")
                                .numericX(x)
                                .yRange(0, 1);
                int colour = 0;
                List<String> lines =
                        new ArrayList<>(report.regions().stream().map(BlurRegion::key).toList());
                lines.add(BlurRecord.WHOLE);
                for (String line : lines) {
                    double[] y = new double[x.length];
                    double[] lo = new double[x.length];
                    double[] hi = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        Row r =
                                i == 0
                                        ? orig
                                        : line.equals(BlurRecord.WHOLE)
                                                ? BlurReport.find(
                                                        rows,
                                                        s,
                                                        line,
                                                        "-",
                                                        BlurRecord.radiusText(
                                                                report.radii().get(i - 1)))
                                                : BlurReport.find(
                                                        rows,
                                                        s,
                                                        line,
                                                        v.key(),
                                                        BlurRecord.radiusText(
                                                                report.radii().get(i - 1)));
                        Stats.Interval ci = r.top1Interval();
                        y[i] = ci.estimate();
                        lo[i] = ci.low();
                        hi[i] = ci.high();
                    }
                    c.series(
                            line.replace('_', ' '),
                            y,
                            lo,
                            hi,
                            line.equals(BlurRecord.WHOLE),
                            colour++);
                }
                Path p =
                        out.resolve(
                                "accuracy-"
                                        + s.replaceAll("[^A-Za-z0-9._-]", "_")
                                        + "-"
                                        + v.key()
                                        + ".png");
                c.write(p);
                files.add(p);
            }
        }
        return files;
    }
}
