package dev.licnn.experiments.localisation;

import dev.licnn.experiments.blur.BlurReport;
import dev.licnn.experiments.stats.Formats;
import dev.licnn.experiments.stats.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The localisation table of {@code experiment localisation}'s per-image scores ({@code
 * localisation.csv}): each method's pointing game (Wilson interval), energy, IoU and AUC (bootstrap
 * intervals), and each method's paired difference from a reference method on the same images
 * (McNemar's exact test for pointing, bootstrap interval and exact sign test for the rest).
 */
public final class LocalisationStats {

    private LocalisationStats() {}

    /** One method's score on one image. */
    public record Row(
            String split,
            String method,
            String file,
            boolean pointingHit,
            double energy,
            double iou,
            double auc) {}

    /** A method's mean scores on a split. */
    public record Summary(
            String split,
            String method,
            int images,
            Stats.Interval pointing,
            Stats.Interval energy,
            Stats.Interval iou,
            Stats.Interval auc) {}

    /**
     * A method against the reference on the images both scored: {@code difference} is method minus
     * reference; {@code better}/{@code worse} count images where the method scored higher/lower.
     */
    public record Difference(
            String split,
            String method,
            String reference,
            String measure,
            int images,
            Stats.Interval difference,
            int better,
            int worse,
            double p) {}

    public static final String HEADER = "split,method,file,class_id,pointing_hit,energy,iou,auc";

    public static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(csv + ": expected the header " + HEADER);
        }
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",", -1);
            if (f.length != 8) {
                throw new IOException(
                        csv + " line " + (i + 1) + ": expected 8 fields, got " + f.length);
            }
            out.add(
                    new Row(
                            f[0],
                            f[1],
                            f[2],
                            Boolean.parseBoolean(f[4]),
                            Double.parseDouble(f[5]),
                            Double.parseDouble(f[6]),
                            Double.parseDouble(f[7])));
        }
        return out;
    }

    /** Per split and method, in first-seen split order and the methods sorted by name. */
    public static List<Summary> summarise(List<Row> rows) {
        List<Summary> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Row>>> s : bySplitAndMethod(rows).entrySet()) {
            for (Map.Entry<String, List<Row>> m : s.getValue().entrySet()) {
                List<Row> g = m.getValue();
                out.add(
                        new Summary(
                                s.getKey(),
                                m.getKey(),
                                g.size(),
                                Stats.wilson(
                                        (int) g.stream().filter(Row::pointingHit).count(),
                                        g.size()),
                                mean(g, Row::energy),
                                mean(g, Row::iou),
                                mean(g, Row::auc)));
            }
        }
        return out;
    }

    /** Every other method against {@code reference}, per split and measure, paired by image. */
    public static List<Difference> against(List<Row> rows, String reference) {
        List<Difference> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Row>>> s : bySplitAndMethod(rows).entrySet()) {
            List<Row> ref = s.getValue().get(reference);
            if (ref == null) {
                continue;
            }
            Map<String, Row> refByFile = new HashMap<>();
            ref.forEach(r -> refByFile.put(r.file(), r));
            for (Map.Entry<String, List<Row>> m : s.getValue().entrySet()) {
                if (m.getKey().equals(reference)) {
                    continue;
                }
                List<Row> a = new ArrayList<>();
                List<Row> b = new ArrayList<>();
                for (Row r : m.getValue()) {
                    Row q = refByFile.get(r.file());
                    if (q != null) {
                        a.add(r);
                        b.add(q);
                    }
                }
                if (a.isEmpty()) {
                    continue;
                }
                boolean[] ha = new boolean[a.size()];
                boolean[] hb = new boolean[a.size()];
                double[] pa = new double[a.size()];
                double[] pb = new double[a.size()];
                for (int i = 0; i < a.size(); i++) {
                    ha[i] = a.get(i).pointingHit();
                    hb[i] = b.get(i).pointingHit();
                    pa[i] = ha[i] ? 1 : 0;
                    pb[i] = hb[i] ? 1 : 0;
                }
                Stats.McNemar mc = Stats.mcnemar(ha, hb);
                out.add(
                        new Difference(
                                s.getKey(),
                                m.getKey(),
                                reference,
                                "pointing",
                                a.size(),
                                Stats.bootstrapPairedDifference(
                                        pa,
                                        pb,
                                        Stats.BOOTSTRAP_RESAMPLES,
                                        BlurReport.BOOTSTRAP_SEED),
                                mc.onlyFirst(),
                                mc.onlySecond(),
                                mc.exactP()));
                out.add(paired(s.getKey(), m.getKey(), reference, "energy", a, b, Row::energy));
                out.add(paired(s.getKey(), m.getKey(), reference, "iou", a, b, Row::iou));
                out.add(paired(s.getKey(), m.getKey(), reference, "auc", a, b, Row::auc));
            }
        }
        return out;
    }

    private static Difference paired(
            String split,
            String method,
            String reference,
            String measure,
            List<Row> a,
            List<Row> b,
            ToDoubleFunction<Row> f) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            double x = f.applyAsDouble(a.get(i));
            double y = f.applyAsDouble(b.get(i));
            if (Double.isFinite(x) && Double.isFinite(y)) {
                pairs.add(new double[] {x, y});
            }
        }
        double[] xa = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] xb = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double[] sign = Stats.signTest(xa, xb);
        return new Difference(
                split,
                method,
                reference,
                measure,
                pairs.size(),
                Stats.bootstrapPairedDifference(
                        xa, xb, Stats.BOOTSTRAP_RESAMPLES, BlurReport.BOOTSTRAP_SEED),
                (int) sign[0],
                (int) sign[1],
                sign[2]);
    }

    private static Stats.Interval mean(List<Row> g, ToDoubleFunction<Row> f) {
        return Stats.bootstrapMean(
                g.stream().mapToDouble(f).filter(Double::isFinite).toArray(),
                Stats.BOOTSTRAP_RESAMPLES,
                BlurReport.BOOTSTRAP_SEED);
    }

    private static Map<String, Map<String, List<Row>>> bySplitAndMethod(List<Row> rows) {
        Map<String, Map<String, List<Row>>> out = new LinkedHashMap<>();
        for (Row r : rows) {
            out.computeIfAbsent(r.split(), k -> new TreeMap<>())
                    .computeIfAbsent(r.method(), k -> new ArrayList<>())
                    .add(r);
        }
        return out;
    }

    /** The Markdown table of the summaries. */
    public static String table(List<Summary> summaries) {
        StringBuilder b =
                new StringBuilder(
                        "| split | method | images | pointing [95% CI] | energy [95% CI] | IoU [95% CI] | AUC [95% CI] |\n"
                                + "|---|---|---|---|---|---|---|\n");
        for (Summary s : summaries) {
            b.append("| ")
                    .append(s.split())
                    .append(" | ")
                    .append(s.method())
                    .append(" | ")
                    .append(s.images())
                    .append(" | ")
                    .append(Formats.percent(s.pointing()))
                    .append(" | ")
                    .append(Formats.value(s.energy()))
                    .append(" | ")
                    .append(Formats.value(s.iou()))
                    .append(" | ")
                    .append(Formats.value(s.auc()))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** The Markdown table of the paired differences. */
    public static String differenceTable(List<Difference> differences) {
        StringBuilder b =
                new StringBuilder(
                        "| split | method | minus | measure | images | difference [95% CI] | method higher / "
                                + "reference higher | p |\n|---|---|---|---|---|---|---|---|\n");
        for (Difference d : differences) {
            b.append("| ")
                    .append(d.split())
                    .append(" | ")
                    .append(d.method())
                    .append(" | ")
                    .append(d.reference())
                    .append(" | ")
                    .append(d.measure())
                    .append(" | ")
                    .append(d.images())
                    .append(" | ")
                    .append(Formats.value(d.difference()))
                    .append(" | ")
                    .append(d.better())
                    .append(" / ")
                    .append(d.worse())
                    .append(" | ")
                    .append(Formats.p(d.p()))
                    .append(" |\n");
        }
        return b.toString();
    }
}
