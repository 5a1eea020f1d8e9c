package dev.licnn.experiments.softmax;

import dev.licnn.experiments.blur.BlurReport;
import dev.licnn.experiments.stats.Formats;
import dev.licnn.experiments.stats.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The softmax study's numbers: per image and rank the similarity of the maps made after and before
 * softmax, and their focus on the object; per rank the mean ± sd and a bootstrap interval of the
 * similarity, and for each focus measure the paired difference (after - before) with a bootstrap
 * interval and the exact sign test.
 */
public final class SoftmaxStats {

    /** One image and rank. Focus measures are NaN without a mask. */
    public record Row(
            String file,
            int trueClass,
            int rank,
            int classId,
            double probability,
            double spearman,
            double spearmanAbs,
            double ssim,
            double energyAfter,
            double energyBefore,
            double iouAfter,
            double iouBefore,
            double coverageAfter,
            double coverageBefore) {}

    /**
     * One paired focus measure at one rank.
     *
     * @param after mean after softmax
     * @param before mean before softmax
     * @param difference mean of (after - before) with its bootstrap 95% interval
     * @param afterHigher images where the after-softmax value is higher
     * @param beforeHigher images where the before-softmax value is higher
     * @param signP exact two-sided sign-test p-value
     */
    public record Focus(
            String measure,
            double after,
            double before,
            Stats.Interval difference,
            int afterHigher,
            int beforeHigher,
            double signP) {}

    /** Everything about one rank. */
    public record Summary(
            int rank,
            int images,
            double spearmanMean,
            double spearmanSd,
            Stats.Interval spearman,
            double ssimMean,
            double ssimSd,
            List<Focus> focus) {}

    public static final String HEADER =
            "file,true_class,rank,class_id,probability,spearman,spearman_abs,ssim,energy_after,energy_before,"
                    + "iou_after,iou_before,coverage_after,coverage_before";

    private SoftmaxStats() {}

    /** The per-map CSV. */
    public static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            b.append(
                            String.join(
                                    ",",
                                    r.file(),
                                    Integer.toString(r.trueClass()),
                                    Integer.toString(r.rank()),
                                    Integer.toString(r.classId()),
                                    Double.toString(r.probability()),
                                    Double.toString(r.spearman()),
                                    Double.toString(r.spearmanAbs()),
                                    Double.toString(r.ssim()),
                                    Double.toString(r.energyAfter()),
                                    Double.toString(r.energyBefore()),
                                    Double.toString(r.iouAfter()),
                                    Double.toString(r.iouBefore()),
                                    Double.toString(r.coverageAfter()),
                                    Double.toString(r.coverageBefore())))
                    .append('\n');
        }
        return b.toString();
    }

    /** Reads a per-map CSV written by {@link #csv}. */
    public static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(
                    csv + ": not a softmax.csv of this version (header " + HEADER + ")");
        }
        List<Row> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.isBlank()) {
                continue;
            }
            String[] f = l.split(",", -1);
            out.add(
                    new Row(
                            f[0],
                            Integer.parseInt(f[1]),
                            Integer.parseInt(f[2]),
                            Integer.parseInt(f[3]),
                            d(f[4]),
                            d(f[5]),
                            d(f[6]),
                            d(f[7]),
                            d(f[8]),
                            d(f[9]),
                            d(f[10]),
                            d(f[11]),
                            d(f[12]),
                            d(f[13])));
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    /** Per rank, in rank order. */
    public static List<Summary> summarise(List<Row> rows) {
        List<Summary> out = new ArrayList<>();
        int maxRank = rows.stream().mapToInt(Row::rank).max().orElse(0);
        for (int rank = 1; rank <= maxRank; rank++) {
            int rk = rank;
            List<Row> rs = rows.stream().filter(r -> r.rank() == rk).toList();
            double[] sp = rs.stream().mapToDouble(r -> zeroIfUndefined(r.spearman())).toArray();
            double[] ss = rs.stream().mapToDouble(r -> zeroIfUndefined(r.ssim())).toArray();
            List<Focus> focus = new ArrayList<>();
            focus.add(focus("energy inside mask", rs, Row::energyAfter, Row::energyBefore));
            focus.add(focus("IoU with mask", rs, Row::iouAfter, Row::iouBefore));
            focus.add(focus("map coverage", rs, Row::coverageAfter, Row::coverageBefore));
            out.add(
                    new Summary(
                            rank,
                            rs.size(),
                            Stats.mean(sp),
                            Stats.sd(sp),
                            Stats.bootstrapMean(
                                    sp, Stats.BOOTSTRAP_RESAMPLES, BlurReport.BOOTSTRAP_SEED),
                            Stats.mean(ss),
                            Stats.sd(ss),
                            focus));
        }
        return out;
    }

    /** A similarity that is undefined (a constant map) counts as no similarity. */
    private static double zeroIfUndefined(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static Focus focus(
            String name, List<Row> rs, ToDoubleFunction<Row> after, ToDoubleFunction<Row> before) {
        List<Row> have =
                rs.stream()
                        .filter(
                                r ->
                                        Double.isFinite(after.applyAsDouble(r))
                                                && Double.isFinite(before.applyAsDouble(r)))
                        .toList();
        double[] a = have.stream().mapToDouble(after).toArray();
        double[] b = have.stream().mapToDouble(before).toArray();
        double[] sign = Stats.signTest(a, b);
        return new Focus(
                name,
                Stats.mean(a),
                Stats.mean(b),
                Stats.bootstrapPairedDifference(
                        a, b, Stats.BOOTSTRAP_RESAMPLES, BlurReport.BOOTSTRAP_SEED),
                (int) sign[0],
                (int) sign[1],
                sign[2]);
    }

    /** The per-rank CSV. */
    public static String summaryCsv(List<Summary> summary) {
        StringBuilder b =
                new StringBuilder(
                        "rank,images,spearman_mean,spearman_sd,spearman_low,spearman_high,ssim_mean,ssim_sd,"
                                + "measure,after,before,difference,difference_low,difference_high,after_higher,before_higher,sign_p\n");
        for (Summary s : summary) {
            for (Focus f : s.focus()) {
                b.append(
                                String.join(
                                        ",",
                                        Integer.toString(s.rank()),
                                        Integer.toString(s.images()),
                                        Double.toString(s.spearmanMean()),
                                        Double.toString(s.spearmanSd()),
                                        Double.toString(s.spearman().low()),
                                        Double.toString(s.spearman().high()),
                                        Double.toString(s.ssimMean()),
                                        Double.toString(s.ssimSd()),
                                        f.measure(),
                                        Double.toString(f.after()),
                                        Double.toString(f.before()),
                                        Double.toString(f.difference().estimate()),
                                        Double.toString(f.difference().low()),
                                        Double.toString(f.difference().high()),
                                        Integer.toString(f.afterHigher()),
                                        Integer.toString(f.beforeHigher()),
                                        Double.toString(f.signP())))
                        .append('\n');
            }
        }
        return b.toString();
    }

    /** The Markdown table (also printed). */
    public static String table(List<Summary> summary) {
        StringBuilder b =
                new StringBuilder(
                        "| rank | images | Spearman after vs before, mean ± sd [95% CI] | SSIM mean ± sd "
                                + "| measure | after softmax | before softmax | after - before [95% CI] | after higher / before higher | sign test p |\n"
                                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary s : summary) {
            for (int i = 0; i < s.focus().size(); i++) {
                Focus f = s.focus().get(i);
                b.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %s | %s | %s | %.3f | %.3f | %s | %d / %d | %s |%n",
                                i == 0 ? Integer.toString(s.rank()) : "",
                                i == 0 ? Integer.toString(s.images()) : "",
                                i == 0
                                        ? String.format(
                                                Locale.ROOT,
                                                "%.3f ± %.3f [%.3f, %.3f]",
                                                s.spearmanMean(),
                                                s.spearmanSd(),
                                                s.spearman().low(),
                                                s.spearman().high())
                                        : "",
                                i == 0
                                        ? String.format(
                                                Locale.ROOT,
                                                "%.3f ± %.3f",
                                                s.ssimMean(),
                                                s.ssimSd())
                                        : "",
                                f.measure(),
                                f.after(),
                                f.before(),
                                Formats.value(f.difference()),
                                f.afterHigher(),
                                f.beforeHigher(),
                                Formats.p(f.signP())));
            }
        }
        return b.toString();
    }
}
